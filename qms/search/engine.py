"""The Whoosh side of searching: ``run`` a parsed query within what a user may see.

This is what the rest of the package calls (``service``, tests, benchmarks); the work
is split by job into ``searcher`` (the open searcher and its cached sets), ``segcache``
(what is cached per segment), ``postings`` (block-level reads), ``bitsets``,
``matching`` (clauses to document sets), ``facets`` (chips as filters and counts) and
``ranking`` (BM25 for a page, or by date).

Why it is shaped this way (measured with ``benchmarks/bench_search.py`` on 60,000
entries; Whoosh does everything per document in Python, tens of microseconds each):

* opening a searcher costs tens of milliseconds, so each process keeps one per index
  generation and only ``refresh()``-es it when a commit made it stale (``searcher``);
* every posting list the engine needs (words, visibility tokens, facet values) is read
  block by block into a *bitset* (a Python int, bit n = document n) and cached **per
  segment**; a segment never changes once written, so after a commit only the new small
  segment is read again, and deletions are applied with one "live documents" mask
  (``postings``, ``segcache``);
* matching, permissions, filters and the archived switch are then C-speed ``&``/``|`` on
  bitsets, the total is ``bit_count()`` (exact, and cheaper than ``len(results)``, which
  may re-run the query), and a facet count is ``(matched & value).bit_count()``
  (``matching``, ``facets``);
* a phrase of two common words is one posting list (the ``pairs`` field, "common grams"
  of the generation's most frequent stems); other phrases read positions only for
  documents that hold every word (and every indexed pair) *and* that the user may see,
  and remember per segment which documents were checked (``Holder.phrase_set``);
* BM25 (Whoosh's BM25F, same statistics) is computed only for one page's candidates
  (``ranking``) from cached posting arrays; Whoosh's collector would score every match.
  Above ``RERANK_POOL`` matches the candidates are chosen by set membership (code, then
  title matches, then the newest entries).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qms.search import spelling, store
from qms.search.analyzer import fold
from qms.search.bitsets import iter_bits, to_bits, top_bits
from qms.search.facets import allowed_docs, facet_counts
from qms.search.matching import matching_docs
from qms.search.query import ParsedQuery
from qms.search.ranking import top_docs
from qms.search.searcher import IndexUnavailable, close_all, holder, invalidate

#: What callers use. The searcher registry (``holder``, ``invalidate``, ``close_all``) and
#: the bitset helpers live in lower modules; the tests, their fixtures and the benchmark
#: reach them through ``engine``, so they stay part of its interface.
__all__ = [
    "EngineHit", "EngineResult", "IndexUnavailable", "close_all", "count", "holder",
    "invalidate", "iter_bits", "run", "spelling_candidates", "to_bits", "top_bits",
]


@dataclass
class EngineHit:
    uid: str
    score: float
    fields: dict


@dataclass
class EngineResult:
    total: int
    hits: list[EngineHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    is_relaxed: bool = False


def run(
    root: Path, parsed: ParsedQuery, tokens: set[str], *, filters: dict[str, list[str]],
    include_archived: bool, offset: int, limit: int, sort: str = "relevance",
    with_facets: bool = True,
) -> EngineResult:
    """Search; every hit, count and facet is restricted to what ``tokens`` may see."""
    h = holder(root)
    with h.lock:
        try:
            return _run(h, parsed, tokens, filters, include_archived, offset, limit, sort, with_facets)
        except Exception as exc:  # noqa: BLE001 - e.g. a segment file truncated on disk
            detail = f"{type(exc).__name__}: {exc}"
    with store.quiet_leaks():
        invalidate(root)
    raise IndexUnavailable(store.BROKEN, detail)


def _run(h, parsed, tokens, filters, include_archived, offset, limit, sort, with_facets):
    allowed = allowed_docs(h, tokens, include_archived, filters)
    relaxed = False
    matched = matching_docs(h, parsed, within=allowed) if allowed else None
    if matched is None:
        return EngineResult(total=0, hits=[], facets=facet_counts(h, 0) if with_facets else {})
    if not matched and len(parsed.clauses) > 1:
        matched = matching_docs(h, parsed, relaxed=True, within=allowed)
        relaxed = bool(matched)
    hits: list[EngineHit] = []
    if matched and limit > 0:
        for score, docnum in top_docs(h, parsed, matched, offset + limit, sort)[offset:]:
            stored = h.searcher.stored_fields(docnum)
            hits.append(EngineHit(uid=stored["uid"], score=score or 0.0, fields=stored))
    facets = facet_counts(h, matched) if with_facets else {}
    return EngineResult(total=matched.bit_count(), hits=hits, facets=facets, is_relaxed=relaxed)


def count(root: Path, parsed: ParsedQuery, tokens: set[str], include_archived: bool) -> int:
    """Return how many entries visible to ``tokens`` match ``parsed``."""
    return run(root, parsed, tokens, filters={}, include_archived=include_archived,
               offset=0, limit=0, with_facets=False).total


def spelling_candidates(root: Path, word: str) -> list[str]:
    """Return indexed words close to ``word``, best first (``qms.search.spelling.rank``),
    as they are written (with their accents).

    These come from every entry, visible or not: the caller must only offer a
    correction after checking that it finds something the user may see.
    """
    folded = fold(word)
    if len(folded) < 4 or not folded.isalpha():
        return []
    h = holder(root)
    with h.lock:
        try:
            reader = h.searcher.reader()
            if reader.frequency("spell", folded):
                return []
            found = reader.terms_within("spell", folded, spelling.max_edits(folded), prefix=1)
            ranked = spelling.rank(folded, {t: reader.doc_frequency("spell", t) for t in found})
            return [_written(reader, t) for t in ranked[:5]]
        except Exception as exc:  # noqa: BLE001 - damaged files, as in ``run``
            detail = f"{type(exc).__name__}: {exc}"
    with store.quiet_leaks():
        invalidate(root)
    raise IndexUnavailable(store.BROKEN, detail)


def _written(reader, folded: str) -> str:
    """Return the most used accented spelling of ``folded``, or ``folded`` if none."""
    forms = [t.decode("utf-8") for t in reader.expand_prefix("surface", f"{folded}:")]
    if not forms:
        return folded
    best = max(forms, key=lambda t: (reader.doc_frequency("surface", t), t))
    return best.partition(":")[2]
