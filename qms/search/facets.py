"""Facet fields as filters and as counts.

``allowed_docs`` is what a user may see under the selected chips (visibility tokens,
the archived switch, the chosen values); ``facet_counts`` is how many matches each chip
value has. Both only combine term bitsets, so a facet count is one ``&`` and a
``bit_count()`` instead of a walk over the matches.
"""
from __future__ import annotations

from qms.search.schema import FACETS
from qms.search.searcher import Holder


def allowed_docs(h: Holder, tokens: set[str], include_archived: bool, filters: dict) -> int:
    """Return the documents the user may see that pass the selected filters (bitset)."""
    key = ("#allowed", frozenset(tokens), include_archived,
           tuple(sorted((k, tuple(sorted(v))) for k, v in filters.items())))
    cached = h.sets.get(key)
    if cached is not None:
        return cached
    allowed = 0
    for token in tokens:
        allowed |= h.term_set("visibility", token)
    if not include_archived:
        allowed &= ~h.term_set("archived", "y")
    for fieldname, values in filters.items():
        union = 0
        for value in values:
            union |= h.term_set(fieldname, value)
        allowed &= union
    h.sets[key] = allowed
    return allowed


def facet_counts(h: Holder, matched: int) -> dict[str, dict[str, int]]:
    """Count the matched documents per facet value; zero counts are left out."""
    out: dict[str, dict[str, int]] = {}
    for fieldname in FACETS:
        counts = {}
        if matched:
            for value in h.values(fieldname):
                n = (matched & h.term_set(fieldname, value)).bit_count()
                if n:
                    counts[value] = n
        out[fieldname] = counts
    return out
