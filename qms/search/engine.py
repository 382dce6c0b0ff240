"""The Whoosh side of searching: one searcher per process, query compilation, facets.

Why it is shaped this way (measured on 60,000 entries):

* opening a searcher costs tens of milliseconds, so each process keeps one per index
  generation and only ``refresh()``-es it when a commit made it stale;
* permissions, the archived switch and facet chips are applied as *sets of document
  numbers* built from posting lists and cached per searcher: a filter is then one set
  intersection, and a facet count is ``len(matched & value_set)``;
* ``len(results)`` may re-run a query; the count shown is ``len(matched)``, which the
  facets need anyway.
"""
from __future__ import annotations

import gc
import heapq
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as wq

from qms.search import store
from qms.search.analyzer import fold, words
from qms.search.query import Code, ParsedQuery, Phrase, Prefix, Word
from qms.search.schema import FACETS
from qms.search.writer import codekey

#: Score multiplier of an exact code match: the coded object comes first.
CODE_BOOST = 50.0


class IndexUnavailable(Exception):
    """The index cannot be used now; ``state`` is one of the ``store`` health states."""

    def __init__(self, state: str, detail: str = ""):
        super().__init__(detail or state)
        self.state = state
        self.detail = detail


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


#: Posting sets kept per searcher (a set of 20,000 document numbers is about 1 MB).
SET_CACHE_SIZE = 400


class _LRU(OrderedDict):
    """A small least-recently-used dict for cached document sets."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class _Holder:
    """One open index generation, its searcher and the sets cached for it."""

    def __init__(self, gen: Path):
        health = store.health(gen.parent)
        if not health.is_ok or health.path != gen:
            raise IndexUnavailable(health.state, health.detail)
        self.gen = gen
        self.ix = store.open_index(gen)
        self.searcher = self.ix.searcher()
        self.sets = _LRU(SET_CACHE_SIZE)
        self.lock = threading.RLock()

    def fresh(self) -> None:
        """Refresh the searcher if another writer committed since it was opened."""
        if not self.searcher.up_to_date():
            self.searcher = self.searcher.refresh()
            self.sets.clear()

    def term_set(self, fieldname: str, value: str) -> frozenset[int]:
        key = (fieldname, value)
        cached = self.sets.get(key)
        if cached is None:
            cached = frozenset(self.searcher.docs_for_query(wq.Term(fieldname, value)))
            self.sets[key] = cached
        return cached

    def values(self, fieldname: str) -> list[str]:
        key = ("#values", fieldname)
        cached = self.sets.get(key)
        if cached is None:
            cached = tuple(t.decode("utf-8") for t in self.searcher.reader().lexicon(fieldname))
            self.sets[key] = cached
        return list(cached)

    def close(self) -> None:
        try:
            self.searcher.close()
            self.ix.close()
        except Exception:  # noqa: BLE001
            pass


_holders: dict[str, _Holder] = {}
_holders_lock = threading.Lock()


def holder(root: Path) -> _Holder:
    """Return this process's holder for ``root``, reopened or refreshed as needed."""
    gen = store.current_generation(root)
    if gen is None:
        raise IndexUnavailable(store.MISSING, "no hay índice de búsqueda")
    with _holders_lock:
        current = _holders.get(str(root))
        if current is None or current.gen != gen:
            if current is not None:
                current.close()
            detail = None
            with store.quiet_leaks(collect=False):
                try:
                    current = _Holder(gen)
                except IndexUnavailable:
                    raise
                except Exception as exc:  # noqa: BLE001 - truncated or unreadable files
                    detail = f"{type(exc).__name__}: {exc}"
                if detail is not None:
                    gc.collect()
            if detail is not None:
                raise IndexUnavailable(store.BROKEN, detail)
            _holders[str(root)] = current
        current.fresh()
        return current


def invalidate(root: Path) -> None:
    """Drop this process's searcher for ``root`` (after a rebuild or a failure)."""
    with _holders_lock:
        current = _holders.pop(str(root), None)
    if current is not None:
        current.close()


# Query compilation -----------------------------------------------------------------


def _text_query(stems: list[str], title_only: bool = False):
    fields_ = ("title",) if title_only else ("title", "body")
    if not stems:
        return None
    if len(stems) == 1:
        parts = [wq.Term(f, stems[0]) for f in fields_]
    else:
        parts = [wq.Phrase(f, stems) for f in fields_]
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _clause_query(clause):
    if isinstance(clause, Word):
        return _text_query(words(clause.text), clause.title_only)
    if isinstance(clause, Phrase):
        return _text_query(words(clause.text))
    if isinstance(clause, Prefix):
        # The unstemmed vocabulary field makes "capacitac*" meet "capacitaciones".
        return wq.ConstantScoreQuery(wq.Prefix("spell", clause.text), score=1.0)
    if isinstance(clause, Code):
        parts = [wq.Term("codekey", codekey(clause.text), boost=CODE_BOOST)]
        text = _text_query(words(clause.text))
        if text is not None:
            parts.append(text)
        return wq.Or(parts)
    return None


def compile_query(parsed: ParsedQuery, relaxed: bool = False):
    """Return the Whoosh query for ``parsed`` (``relaxed``: any clause instead of all)."""
    parts = [q for q in (_clause_query(c) for c in parsed.clauses) if q is not None]
    if not parts:
        if parsed.filters and not parsed.clauses:
            base = wq.Every()
        else:
            return None
    else:
        base = parts[0] if len(parts) == 1 else (wq.Or(parts) if relaxed else wq.And(parts))
    negatives = [q for q in (_clause_query(c) for c in parsed.excluded) if q is not None]
    if negatives:
        base = wq.AndNot(base, wq.Or(negatives) if len(negatives) > 1 else negatives[0])
    return base


# Running ---------------------------------------------------------------------------


def _allowed(h: _Holder, tokens: set[str], include_archived: bool, filters: dict) -> set[int]:
    """Return the document numbers the user may see that pass the selected filters."""
    allowed: set[int] = set()
    for token in tokens:
        allowed |= h.term_set("visibility", token)
    if not include_archived:
        allowed -= h.term_set("archived", "y")
    for fieldname, values in filters.items():
        union: set[int] = set()
        for value in values:
            union |= h.term_set(fieldname, value)
        allowed &= union
    return allowed


def facet_counts(h: _Holder, matched: set[int]) -> dict[str, dict[str, int]]:
    """Count the matched documents per facet value; zero counts are left out."""
    out: dict[str, dict[str, int]] = {}
    for fieldname in FACETS:
        counts = {}
        for value in h.values(fieldname):
            n = len(matched & h.term_set(fieldname, value))
            if n:
                counts[value] = n
        out[fieldname] = counts
    return out


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


def _clause_docs(h: _Holder, clause) -> frozenset[int]:
    """Return every document matching one clause, from cached posting sets.

    Set algebra in C replaces Whoosh's per-document matcher loop, which costs tens of
    microseconds per match in Python; only phrases and prefixes run a query, and their
    result is cached for the searcher's life too.
    """
    if isinstance(clause, Word):
        stems = words(clause.text)
        if len(stems) == 1:
            found = h.term_set("title", stems[0])
            return found if clause.title_only else found | h.term_set("body", stems[0])
    elif isinstance(clause, Code):
        return h.term_set("codekey", codekey(clause.text)) | _query_docs(h, _text_query(words(clause.text)))
    return _query_docs(h, _clause_query(clause))


def _query_docs(h: _Holder, q) -> frozenset[int]:
    if q is None:
        return frozenset()
    key = ("#query", repr(q))
    cached = h.sets.get(key)
    if cached is None:
        cached = frozenset(h.searcher.docs_for_query(q))
        h.sets[key] = cached
    return cached


def matching_docs(h: _Holder, parsed: ParsedQuery, relaxed: bool = False) -> set[int] | None:
    """Return the documents matching ``parsed`` (None: nothing to match on)."""
    sets = [_clause_docs(h, c) for c in parsed.clauses if _clause_query(c) is not None]
    if not sets:
        if not (parsed.filters and not parsed.clauses):
            return None
        result = set(range(h.searcher.doc_count_all()))
    elif relaxed:
        result = set().union(*sets)
    else:
        sets.sort(key=len)
        result = set(sets[0]).intersection(*sets[1:])
    for clause in parsed.excluded:
        if _clause_query(clause) is not None:
            result -= _clause_docs(h, clause)
    return result


#: Above this many matches, BM25 scores only a pre-ranked pool of candidates.
RERANK_POOL = 300


def _pool(h: _Holder, parsed: ParsedQuery, matched: set[int]) -> set[int]:
    """Return at most RERANK_POOL likely-best matches, chosen by set membership only.

    Whoosh scores in Python at tens of microseconds per document, so scoring 20,000
    matches of a common word costs a second. Exact code matches and title matches are
    what rank first anyway; they are picked with set operations in C, and the pool is
    topped up with the most recently indexed body matches.
    """
    pool: set[int] = set()
    for clause in parsed.clauses:
        if isinstance(clause, Code):
            pool |= matched & h.term_set("codekey", codekey(clause.text))
    titles = [h.term_set("title", t) for c in parsed.clauses if isinstance(c, (Word, Phrase, Code))
              for t in words(c.text)]
    if titles:
        in_all = set(matched).intersection(*titles)
        pool |= set(heapq.nlargest(RERANK_POOL, in_all))
        if len(pool) < RERANK_POOL:
            pool |= set(heapq.nlargest(RERANK_POOL - len(pool), matched & set().union(*titles)))
    if len(pool) < RERANK_POOL:
        pool |= set(heapq.nlargest(RERANK_POOL - len(pool), matched - pool))
    return pool


def _top(h: _Holder, parsed: ParsedQuery, q, matched: set[int], limit: int, sort: str):
    """Return (score, docnum) of the best ``limit`` documents among ``matched``."""
    if sort == "date":
        column = h.searcher.reader().column_reader("day")
        best = heapq.nlargest(limit, matched, key=lambda d: (column[d] or 0, -d))
        return [(0.0, d) for d in best]
    candidates = matched if len(matched) <= RERANK_POOL or limit > RERANK_POOL else _pool(h, parsed, matched)
    results = h.searcher.search(q, filter=candidates, limit=limit)
    return [(score, docnum) for score, docnum in results.top_n]


def _run(h, parsed, tokens, filters, include_archived, offset, limit, sort, with_facets):
    allowed = _allowed(h, tokens, include_archived, filters)
    relaxed = False
    matched = matching_docs(h, parsed)
    if matched is None or not allowed:
        return EngineResult(total=0, hits=[], facets=facet_counts(h, set()) if with_facets else {})
    matched &= allowed
    if not matched and len(parsed.clauses) > 1:
        matched = matching_docs(h, parsed, relaxed=True) & allowed
        relaxed = bool(matched)
    hits: list[EngineHit] = []
    if matched and limit > 0:
        q = compile_query(parsed, relaxed=relaxed)
        for score, docnum in _top(h, parsed, q, matched, offset + limit, sort)[offset:]:
            stored = h.searcher.stored_fields(docnum)
            hits.append(EngineHit(uid=stored["uid"], score=score or 0.0, fields=stored))
    facets = facet_counts(h, matched) if with_facets else {}
    return EngineResult(total=len(matched), hits=hits, facets=facets, is_relaxed=relaxed)


def count(root: Path, parsed: ParsedQuery, tokens: set[str], include_archived: bool) -> int:
    """Return how many entries visible to ``tokens`` match ``parsed``."""
    return run(root, parsed, tokens, filters={}, include_archived=include_archived,
               offset=0, limit=0, with_facets=False).total


def spelling_candidates(root: Path, word: str) -> list[str]:
    """Return indexed words close to ``word`` (folded), most frequent first.

    These come from every entry, visible or not: the caller must only offer a
    correction after checking that it finds something the user may see.
    """
    h = holder(root)
    folded = fold(word)
    if len(folded) < 4 or not folded.isalpha():
        return []
    with h.lock:
        reader = h.searcher.reader()
        if reader.frequency("spell", folded):
            return []
        maxdist = 1 if len(folded) <= 5 else 2
        found = set(reader.terms_within("spell", folded, maxdist, prefix=1))
        ranked = sorted(found, key=lambda t: -reader.doc_frequency("spell", t))
        return ranked[:5]


def close_all() -> None:
    """Close every searcher this process holds (tests, shutdown)."""
    with _holders_lock:
        holders = list(_holders.values())
        _holders.clear()
    for h in holders:
        h.close()
