"""The Whoosh internals the engine reads are there, and read what the public API reads.

``qms/search`` builds its bitset caches from Whoosh's posting blocks and patches one
reader at import (``store._patch_whoosh_length_lookup``). A Whoosh release that renames
any of them must fail here, loudly, instead of leaving search slower or subtly wrong.
"""
from importlib.metadata import version

import pytest

from qms.search import engine, store
from qms.search.postings import read_postings


def test_the_pinned_release_is_the_one_installed():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    pinned = next(d for d in project["project"]["dependencies"] if d.startswith("whoosh-reloaded"))
    assert pinned == f"whoosh-reloaded=={version('whoosh-reloaded')}"


def test_the_length_lookup_patch_is_applied():
    from whoosh.codec import whoosh3

    assert getattr(whoosh3.W3PerDocReader, "_qms_patched", False), "the W3PerDocReader patch stood aside"
    assert callable(whoosh3._lenfield)  # noqa: SLF001


def test_block_postings_read_like_the_public_matcher(corpus, users, search_as):
    search_as(users["staff"], "procedimiento")  # the index is built and held
    holder = engine.holder(store.root_path())
    assert hasattr(holder.ix, "_segments")
    found_block_matcher = False
    for _segid, reader, _offset in holder.leaves:
        for term in ("procedimient", "calid", "document"):
            key = reader._text_to_bytes("body", term)  # noqa: SLF001
            if ("body", key) not in reader._terms:  # noqa: SLF001
                continue
            matcher = reader._terms.matcher("body", key, reader.schema["body"].format)  # noqa: SLF001
            if hasattr(matcher, "_read_ids"):
                found_block_matcher = True
                for name in ("_read_ids", "_read_weights", "_read_values", "_next_block", "_skip_to_block",
                             "_ids", "_weights", "_i", "_blocklength", "block_max_id"):
                    assert hasattr(matcher, name), f"Whoosh block matcher lost {name}"
            public = reader.postings("body", term)
            expected = []
            while public.is_active():
                expected.append((public.id(), pytest.approx(public.weight())))
                public.next()
            ids, weights = read_postings(reader, "body", term)
            assert list(zip(ids, weights)) == expected
    assert found_block_matcher, "no term of the corpus was stored in blocks: the check would prove nothing"
