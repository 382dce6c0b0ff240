"""The caches of what is read out of uploaded Word files hold results, never the files."""
from __future__ import annotations

from qms.docgen.by_content import cached_by_content


def test_results_are_cached_by_digest_and_bounded():
    calls = []

    @cached_by_content(maxsize=3)
    def size_of(data: bytes) -> int:
        calls.append(data)
        return len(data)

    files = [bytes([n]) * 100_000 for n in range(10)]
    for data in files:
        assert size_of(data) == 100_000
        assert len(size_of.cache) <= 3
    assert all(len(key) == 32 for key in size_of.cache)  # SHA-256 digests, not 100 KB keys
    size_of(files[-1])
    assert len(calls) == 10  # the newest was still cached
    size_of(files[0])
    assert len(calls) == 11  # the oldest had gone
