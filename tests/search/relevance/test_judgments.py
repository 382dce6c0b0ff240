"""Every judgment of ``judgments.yaml``, on every backend (``search_backend``).

One test per part of the issue, so the corpus is built a few times rather than once per
query; each failure names the query and what went wrong, and all are reported at once.
"""
from __future__ import annotations

import pytest

from tests.search.relevance.conftest import JUDGMENTS

ITEMS = sorted({j["item"] for j in JUDGMENTS})


def _keys(result, keys_of) -> list[str]:
    return [keys_of.get(h.uid, h.uid) for h in result.hits]


def _problems(judgment, search, keys_of) -> list[str]:
    query = judgment["query"]
    run = lambda text: search(judgment.get("as", "quality"), text)  # noqa: E731
    result = run(query)
    found = _keys(result, keys_of)
    out = []
    first = judgment.get("first") or []
    if first and set(found[: len(first)]) != set(first):
        out.append(f"first {first}, got {found[: len(first) + 2]}")
    for key in judgment.get("includes") or []:
        if key not in found:
            out.append(f"{key} missing from {found}")
    for key in judgment.get("absent") or []:
        if key in found:
            out.append(f"{key} must be absent, got {found}")
    if "same_as" in judgment:
        other = _keys(run(judgment["same_as"]), keys_of)
        if sorted(other) != sorted(found):
            out.append(f"same as {judgment['same_as']!r}: {sorted(other)} != {sorted(found)}")
    if "suggestion" in judgment and result.suggestion != judgment["suggestion"]:
        out.append(f"suggestion {judgment['suggestion']!r}, got {result.suggestion!r}")
    if "snippet_of" in judgment:
        hits = [h for h in result.hits if keys_of.get(h.uid) == judgment["snippet_of"]]
        snippet = str(hits[0].snippet) if hits else ""
        if not hits:
            out.append(f"{judgment['snippet_of']} not found for its snippet")
        if "snippet_has" in judgment and judgment["snippet_has"] not in snippet:
            out.append(f"snippet lacks {judgment['snippet_has']!r}: {snippet}")
        if "snippet_lacks" in judgment and judgment["snippet_lacks"] in snippet:
            out.append(f"snippet has {judgment['snippet_lacks']!r}: {snippet}")
    return [f"{query!r}: {p}" for p in out]


@pytest.mark.parametrize("item", ITEMS)
def test_judgments(judged_corpus, users, search_as, search_backend, item):
    """GIVEN the judged corpus WHEN each judged query of ``item`` is searched by the
    committee (or the judgment's ``as`` role) THEN the results are the judged ones."""
    _uids, keys_of = judged_corpus
    judgments = [j for j in JUDGMENTS if j["item"] == item]
    assert judgments
    problems = []
    for judgment in judgments:
        problems += _problems(judgment, lambda role, text: search_as(users[role], text), keys_of)
    assert not problems, f"{search_backend}:\n" + "\n".join(problems)


def test_every_judgment_names_objects_of_the_corpus():
    from tests.conftest import ROLES
    from tests.search.relevance.corpus import AUDITS, DOCUMENTS, DRAFTS

    known = set(DOCUMENTS) | set(DRAFTS) | set(AUDITS)
    for judgment in JUDGMENTS:
        named = set(judgment.get("first") or []) | set(judgment.get("includes") or []) | set(judgment.get("absent") or [])
        if "snippet_of" in judgment:
            named.add(judgment["snippet_of"])
        assert named <= known, (judgment["query"], named - known)
        assert judgment["item"] in {"codes", "glossary", "forms", "typos", "highlights", "permissions"}
        assert judgment.get("as", "quality") in ROLES
