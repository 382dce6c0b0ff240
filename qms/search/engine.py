"""The Whoosh side of searching: one searcher per process, query compilation, facets.

Why it is shaped this way (measured with ``benchmarks/bench_search.py`` on 60,000
entries; Whoosh does everything per document in Python, tens of microseconds each):

* opening a searcher costs tens of milliseconds, so each process keeps one per index
  generation and only ``refresh()``-es it when a commit made it stale;
* every posting list the engine needs (words, visibility tokens, facet values) is read
  block by block into a *bitset* (a Python int, bit n = document n) and cached **per
  segment**; a segment never changes once written, so after a commit only the new small
  segment is read again, and deletions are applied with one "live documents" mask;
* matching, permissions, filters and the archived switch are then C-speed ``&``/``|`` on
  bitsets, the total is ``bit_count()`` (exact, and cheaper than ``len(results)``, which
  may re-run the query), and a facet count is ``(matched & value).bit_count()``;
* a phrase of two common words is one posting list (the ``pairs`` field, "common grams"
  of the generation's most frequent stems); other phrases read positions only for
  documents that hold every word (and every indexed pair) *and* that the user may see,
  and remember per segment which documents were checked;
* BM25 (Whoosh's BM25F, same statistics) is computed only for one page's candidates
  (``_score``) from cached posting arrays; Whoosh's collector would score every match.
  Above ``RERANK_POOL`` matches the candidates are chosen by set membership (code, then
  title matches, then the newest entries).
"""
from __future__ import annotations

import gc
import heapq
import threading
from array import array
from bisect import bisect_left
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


#: Posting bitsets kept per segment, and derived bitsets kept per searcher.
SET_CACHE_SIZE = 2000


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


def to_bits(docnums) -> int:
    """Return the bitset (a Python int, bit n = document n) of ``docnums``."""
    docnums = list(docnums)
    if not docnums:
        return 0
    buf = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def iter_bits(bits: int):
    """Yield the document numbers set in ``bits``, ascending."""
    for i, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) >> 3, "little")):
        if byte:
            base = i << 3
            for j in _BYTE_BITS[byte]:
                yield base + j


def top_bits(bits: int, n: int) -> list[int]:
    """Return the ``n`` highest document numbers set in ``bits`` (descending)."""
    out = []
    while bits and len(out) < n:
        d = bits.bit_length() - 1
        out.append(d)
        bits ^= 1 << d
    return out


_BYTE_BITS = [tuple(j for j in range(8) if b >> j & 1) for b in range(256)]


def _read_postings(reader, fieldname: str, value: str) -> tuple[array, array]:
    """Return a segment's posting list of one term: (document numbers, weights).

    Deleted documents are included. Reads whole blocks at a time (Whoosh's matcher
    yields one posting per Python call).
    """
    terms = reader._terms  # noqa: SLF001 - no public block-level access
    key = reader._text_to_bytes(fieldname, value)  # noqa: SLF001
    ids, weights = array("I"), array("f")
    if (fieldname, key) not in terms:
        return ids, weights
    m = terms.matcher(fieldname, key, reader.schema[fieldname].format)
    if not hasattr(m, "_read_ids"):  # not a block matcher (e.g. an inlined short list)
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        return ids, weights
    while m.is_active():
        if m._ids is None:  # noqa: SLF001
            m._read_ids()  # noqa: SLF001
        if m._weights is None:  # noqa: SLF001
            m._read_weights()  # noqa: SLF001
        ids.extend(m._ids[m._i:m._blocklength])  # noqa: SLF001
        weights.extend(m._weights[m._i:m._blocklength])  # noqa: SLF001
        m._i = m._blocklength  # noqa: SLF001
        m._next_block()  # noqa: SLF001
    return ids, weights


#: Postings (document numbers and weights) of scored terms kept in memory per process,
#: about 8 bytes each: BM25 of a page's candidates then needs no block decoding.
POSTINGS_BUDGET = 4_000_000


class _SegmentCache:
    """Posting bitsets and arrays per segment, kept across refreshes while the segment exists.

    A segment never changes once written, so what was read from it stays true; deletions
    are applied separately (``_Holder.alive``).
    """

    def __init__(self):
        self.by_segment: dict[str, _LRU] = {}
        self.arrays: OrderedDict = OrderedDict()
        self.arrays_size = 0

    def prune(self, live: set[str]) -> None:
        for segid in list(self.by_segment):
            if segid not in live:
                del self.by_segment[segid]
        for key in [k for k in self.arrays if k[0] not in live]:
            self.arrays_size -= len(self.arrays.pop(key)[0])

    def postings(self, segid: str, reader, fieldname: str, value: str) -> tuple[array, array]:
        key = (segid, fieldname, value)
        found = self.arrays.get(key)
        if found is not None:
            self.arrays.move_to_end(key)
            return found
        found = _read_postings(reader, fieldname, value)
        self.arrays[key] = found
        self.arrays_size += len(found[0])
        while self.arrays_size > POSTINGS_BUDGET and len(self.arrays) > 1:
            _k, (ids, _w) = self.arrays.popitem(last=False)
            self.arrays_size -= len(ids)
        return found

    def get_query(self, segid: str, key: tuple, reader, make_query) -> int:
        """Return the documents of one segment matching a query (deleted ones may remain)."""
        cache = self.by_segment.setdefault(segid, _LRU(SET_CACHE_SIZE))
        bits = cache.get(key)
        if bits is None:
            from whoosh.searching import Searcher

            searcher = Searcher(reader, closereader=False)
            bits = to_bits(make_query().docs(searcher))
            cache[key] = bits
        return bits

    def get(self, segid: str, reader, fieldname: str, value: str) -> int:
        """Return one term's documents in one segment as a bitset (deleted ones included)."""
        cache = self.by_segment.setdefault(segid, _LRU(SET_CACHE_SIZE))
        key = (fieldname, value)
        bits = cache.get(key)
        if bits is None:
            if fieldname in SCORED_FIELDS:
                ids = self.postings(segid, reader, fieldname, value)[0]
            else:
                ids = _read_postings(reader, fieldname, value)[0]
            bits = to_bits(ids)
            cache[key] = bits
        return bits


#: Fields whose postings are scored (BM25) and so worth keeping as arrays.
SCORED_FIELDS = frozenset({"title", "body"})


class _Holder:
    """One open index generation, its searcher and the sets cached for it."""

    def __init__(self, gen: Path):
        health = store.health(gen.parent)
        if not health.is_ok or health.path != gen:
            raise IndexUnavailable(health.state, health.detail)
        self.gen = gen
        self.ix = store.open_index(gen)
        self.searcher = self.ix.searcher()
        self.segcache = _SegmentCache()
        #: Stems whose adjacent pairs this generation indexes (``pairs`` field).
        self.common = store.common_stems(gen)
        self.lock = threading.RLock()
        self._layout()

    def _layout(self) -> None:
        """Note the segments, their offsets and live documents of the current searcher.

        Deletions come from the index's table of contents, not from the readers: on
        ``refresh()`` Whoosh reuses the reader of a segment that only gained deletions,
        with its old deletion set (an updated entry would be found twice).
        """
        self.sets = _LRU(SET_CACHE_SIZE)
        self.leaves = []
        alive = 0
        current = {seg.segment_id(): seg for seg in self.ix._segments()}  # noqa: SLF001
        for reader, offset in self.searcher.reader().leaf_readers():
            segment = reader.segment() if hasattr(reader, "segment") else None
            segid = segment.segment_id() if segment is not None else str(id(reader))
            segment = current.get(segid, segment)
            n = reader.doc_count_all()
            seg_alive = (1 << n) - 1
            deleted = segment.deleted_docs() if segment is not None and segment.has_deletions() else ()
            if deleted:
                seg_alive &= ~to_bits(deleted)
            alive |= seg_alive << offset
            self.leaves.append((segid, reader, offset))
        self.alive = alive
        self.segcache.prune({segid for segid, _r, _o in self.leaves})
        self._by_day = None

    def fresh(self) -> None:
        """Refresh the searcher if another writer committed since it was opened.

        Posting bitsets of segments that did not change are kept (``_SegmentCache``), so
        the first search of a common word after a commit reads only the new segment.
        """
        if not self.searcher.up_to_date():
            self.searcher = self.searcher.refresh()
            self._layout()

    def term_set(self, fieldname: str, value: str) -> int:
        """Return the live documents holding one term, as a bitset."""
        key = (fieldname, value)
        cached = self.sets.get(key)
        if cached is None:
            cached = 0
            for segid, reader, offset in self.leaves:
                raw = self.segcache.get(segid, reader, fieldname, value)
                if raw:
                    cached |= raw << offset
            cached &= self.alive
            self.sets[key] = cached
        return cached

    def query_set(self, key: tuple, make_query) -> int:
        """Return the live documents matching a Whoosh query (a prefix), cached per segment."""
        cached = self.sets.get(key)
        if cached is None:
            cached = 0
            for segid, reader, offset in self.leaves:
                cached |= self.segcache.get_query(segid, key, reader, make_query) << offset
            cached &= self.alive
            self.sets[key] = cached
        return cached

    def phrase_set(self, fieldname: str, stems: tuple[str, ...], within: int = -1) -> int:
        """Return the live documents among ``within`` where ``stems`` are adjacent in ``fieldname``.

        Positions are only read for documents holding every word that are in ``within``
        (what the user may see) and were not checked before: each segment remembers which
        documents it has checked for this phrase and which matched.
        """
        key = ("#phrase", fieldname, stems)
        out = 0
        for segid, reader, offset in self.leaves:
            n = reader.doc_count_all()
            cand = (within >> offset) & ((1 << n) - 1) & (self.alive >> offset)
            for stem in stems:
                if not cand:
                    break
                cand &= self.segcache.get(segid, reader, fieldname, stem)
            if not cand:
                continue
            cache = self.segcache.by_segment.setdefault(segid, _LRU(SET_CACHE_SIZE))
            checked, found = cache.get(key) or (0, 0)
            todo = cand & ~checked
            if todo:
                found |= _verify_phrase(reader, fieldname, stems, list(iter_bits(todo)))
                checked |= todo
                cache[key] = (checked, found)
            out |= (found & cand) << offset
        return out

    def values(self, fieldname: str) -> list[str]:
        key = ("#values", fieldname)
        cached = self.sets.get(key)
        if cached is None:
            cached = tuple(t.decode("utf-8") for t in self.searcher.reader().lexicon(fieldname))
            self.sets[key] = cached
        return list(cached)

    def by_day(self) -> list[int]:
        """Return every document number, newest ``day`` first (cached per searcher)."""
        if self._by_day is None:
            column = self.searcher.reader().column_reader("day")
            n = self.searcher.doc_count_all()
            days = [column[d] or 0 for d in range(n)]
            self._by_day = sorted(range(n), key=lambda d: (-days[d], d))
        return self._by_day

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
#
# Every clause is answered from posting bitsets: words from the title/body terms, codes
# from ``codekey``, phrases from ``pairs`` and, where needed, positions (``phrase_set``).
# Only a prefix runs a Whoosh query (per segment, cached like a posting list). Whoosh's
# scorer never walks a whole posting list: BM25 is computed for the page's candidates
# only (``_score``).


def _text_bits(h: _Holder, stems: list[str], title_only: bool = False, within: int = -1) -> int:
    if not stems:
        return 0
    if len(stems) == 1:
        found = h.term_set("title", stems[0])
        return found if title_only else found | h.term_set("body", stems[0])
    adjacent = list(zip(stems, stems[1:]))
    # Pairs of common stems are indexed as terms: each one narrows the candidates, and a
    # two-word phrase of common stems needs no positions at all.
    grams = [f"{a}_{b}" for a, b in adjacent if a in h.common and b in h.common]
    for gram in grams:
        within &= h.term_set("pairs", gram)
        if not within:
            return 0
    if len(grams) == len(adjacent) == 1 and not title_only:
        return within
    fields_ = ("title",) if title_only else ("title", "body")
    bits = 0
    for f in fields_:
        bits |= h.phrase_set(f, tuple(stems), within)
    return bits


def _postings_values(reader, fieldname: str, stem: str, docs: list[int]) -> dict[int, bytes]:
    """Return the encoded posting value (positions) of ``stem`` for each of ``docs`` (sorted)."""
    terms = reader._terms  # noqa: SLF001
    key = reader._text_to_bytes(fieldname, stem)  # noqa: SLF001
    out: dict[int, bytes] = {}
    if (fieldname, key) not in terms:
        return out
    m = terms.matcher(fieldname, key, reader.schema[fieldname].format)
    if not hasattr(m, "_read_ids"):  # not a block matcher (e.g. an inlined short list)
        wanted = set(docs)
        while m.is_active():
            if m.id() in wanted:
                out[m.id()] = m.value()
            m.next()
        return out
    for d in docs:
        if not m.is_active():
            break
        if d > m.block_max_id():
            m._skip_to_block(lambda: d > m.block_max_id())  # noqa: SLF001,B023
            if not m.is_active():
                break
        if m._ids is None:  # noqa: SLF001
            m._read_ids()  # noqa: SLF001
        i = bisect_left(m._ids, d, m._i, m._blocklength)  # noqa: SLF001
        m._i = i  # noqa: SLF001
        if i < m._blocklength and m._ids[i] == d:  # noqa: SLF001
            if m._values is None:  # noqa: SLF001
                m._read_values()  # noqa: SLF001
            out[d] = m._values[i]  # noqa: SLF001
    return out


def _verify_phrase(reader, fieldname: str, stems: tuple[str, ...], docs: list[int]) -> int:
    """Return (as a segment-local bitset) which of ``docs`` hold ``stems`` side by side.

    The same check as Whoosh's ``Phrase`` (stop words hold no position, so "control de
    documentos" is ``control`` then ``document``), decoding positions only for ``docs``
    instead of walking span matchers over every document holding the words.
    """
    values = [_postings_values(reader, fieldname, stem, docs) for stem in stems]
    decode = reader.schema[fieldname].format.decode_positions
    found = []
    for d in docs:
        try:
            starts = set(decode(values[0][d]))
            for k in range(1, len(stems)):
                starts.intersection_update(p - k for p in decode(values[k][d]))
                if not starts:
                    break
        except KeyError:
            continue
        if starts:
            found.append(d)
    return to_bits(found)


def _has_terms(clause) -> bool:
    if isinstance(clause, (Word, Phrase)):
        return bool(words(clause.text))
    return isinstance(clause, (Prefix, Code))


def _clause_docs(h: _Holder, clause, within: int = -1) -> int:
    """Return the live documents matching one clause, as a bitset.

    ``within``: only these documents need an exact answer (phrases are checked there
    only; outside it the result may miss matches).
    """
    if isinstance(clause, Word):
        return _text_bits(h, words(clause.text), clause.title_only, within)
    if isinstance(clause, Phrase):
        return _text_bits(h, words(clause.text), within=within)
    if isinstance(clause, Code):
        return h.term_set("codekey", codekey(clause.text)) | _text_bits(h, words(clause.text), within=within)
    if isinstance(clause, Prefix):
        # The unstemmed vocabulary field makes "capacitac*" meet "capacitaciones".
        return h.query_set(("#prefix", clause.text), lambda: wq.Prefix("spell", clause.text))
    return 0


def matching_docs(h: _Holder, parsed: ParsedQuery, relaxed: bool = False, within: int = -1) -> int | None:
    """Return the documents of ``within`` matching ``parsed`` as a bitset (None: nothing to match on)."""
    sets = [_clause_docs(h, c, within) for c in parsed.clauses if _has_terms(c)]
    if not sets:
        if not (parsed.filters and not parsed.clauses):
            return None
        result = h.alive & within
    elif relaxed:
        result = 0
        for bits in sets:
            result |= bits
        result &= within
    else:
        result = within
        for bits in sets:
            result &= bits
    for clause in parsed.excluded:
        if _has_terms(clause):
            result &= ~_clause_docs(h, clause, result)
    return result


# Running ---------------------------------------------------------------------------


def _allowed(h: _Holder, tokens: set[str], include_archived: bool, filters: dict) -> int:
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


def facet_counts(h: _Holder, matched: int) -> dict[str, dict[str, int]]:
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


#: Above this many matches, BM25 scores only a pre-ranked pool of candidates.
RERANK_POOL = 300


def _pool(h: _Holder, parsed: ParsedQuery, matched: int, size: int) -> list[int]:
    """Return at most ``size`` likely-best matches, chosen by set membership only.

    Exact code matches and matches in the title (all words, then any) are what rank
    first anyway; the pool is topped up with the most recently indexed matches.
    """
    pool = 0
    for clause in parsed.clauses:
        if isinstance(clause, Code):
            pool |= matched & h.term_set("codekey", codekey(clause.text))
    titles = [h.term_set("title", t) for c in parsed.clauses if isinstance(c, (Word, Phrase, Code))
              for t in words(c.text)]
    if titles:
        in_all = matched
        for bits in titles:
            in_all &= bits
        pool |= _take(in_all, size - pool.bit_count())
        if pool.bit_count() < size:
            in_any = 0
            for bits in titles:
                in_any |= bits
            pool |= _take(matched & in_any & ~pool, size - pool.bit_count())
    if pool.bit_count() < size:
        pool |= _take(matched & ~pool, size - pool.bit_count())
    return list(iter_bits(pool))


def _take(bits: int, n: int) -> int:
    if n <= 0:
        return 0
    if bits.bit_count() <= n:
        return bits
    out = 0
    for d in top_bits(bits, n):
        out |= 1 << d
    return out


def _scored_terms(parsed: ParsedQuery):
    """Yield (field, term, boost) whose BM25 scores add up to a document's score."""
    for clause in parsed.clauses:
        if isinstance(clause, Code):
            yield "codekey", codekey(clause.text), CODE_BOOST
        if isinstance(clause, (Word, Phrase, Code)):
            fields_ = ("title",) if getattr(clause, "title_only", False) else ("title", "body")
            for stem in dict.fromkeys(words(clause.text)):
                for f in fields_:
                    yield f, stem, 1.0


def _score(h: _Holder, parsed: ParsedQuery, docs: list[int]) -> dict[int, float]:
    """Return BM25 scores of ``docs`` only (Whoosh's own BM25F with global statistics).

    Whoosh's collector scores every match of the query in Python (tens of microseconds
    each); here each term's postings (cached arrays) are binary-searched for the
    candidates, and only candidates are scored.
    """
    searcher = h.searcher
    scores = dict.fromkeys(docs, 0.0)
    for clause in parsed.clauses:
        if isinstance(clause, Prefix):  # constant score 1.0 per matched prefix, as before
            raw = _clause_docs(h, clause)
            for d in docs:
                if raw >> d & 1:
                    scores[d] += 1.0
    weighting = searcher.weighting
    for fieldname, text, boost in _scored_terms(parsed):
        if not searcher.doc_frequency(fieldname, text):
            continue
        scorer = weighting.scorer(searcher, fieldname, text, qf=boost)
        scorable = searcher.schema[fieldname].scorable
        for segid, reader, offset in h.leaves:
            end = offset + reader.doc_count_all()
            local = sorted(d - offset for d in docs if offset <= d < end)
            if not local:
                continue
            if fieldname in SCORED_FIELDS:
                ids, weights = h.segcache.postings(segid, reader, fieldname, text)
            else:
                ids, weights = _read_postings(reader, fieldname, text)
            n, i = len(ids), 0
            dfl = reader.doc_field_length
            for d in local:
                i = bisect_left(ids, d, i)
                if i == n:
                    break
                if ids[i] == d:
                    w = weights[i]
                    s = scorer._score(w, dfl(d, fieldname, 1)) if scorable else w  # noqa: SLF001
                    scores[d + offset] += s * boost
    return scores


def _top(h: _Holder, parsed: ParsedQuery, matched: int, limit: int, sort: str):
    """Return (score, docnum) of the best ``limit`` documents among ``matched``."""
    if sort == "date":
        raw = matched.to_bytes((matched.bit_length() + 7) >> 3, "little")
        size = len(raw)
        out = []
        for d in h.by_day():
            i = d >> 3
            if i < size and raw[i] >> (d & 7) & 1:
                out.append((0.0, d))
                if len(out) >= limit:
                    break
        return out
    if matched.bit_count() <= RERANK_POOL or limit > RERANK_POOL:
        candidates = list(iter_bits(matched))
    else:
        candidates = _pool(h, parsed, matched, RERANK_POOL)
    scores = _score(h, parsed, candidates)
    return heapq.nlargest(limit, ((s, d) for d, s in scores.items()), key=lambda x: (x[0], -x[1]))


def _run(h, parsed, tokens, filters, include_archived, offset, limit, sort, with_facets):
    allowed = _allowed(h, tokens, include_archived, filters)
    relaxed = False
    matched = matching_docs(h, parsed, within=allowed) if allowed else None
    if matched is None:
        return EngineResult(total=0, hits=[], facets=facet_counts(h, 0) if with_facets else {})
    if not matched and len(parsed.clauses) > 1:
        matched = matching_docs(h, parsed, relaxed=True, within=allowed)
        relaxed = bool(matched)
    hits: list[EngineHit] = []
    if matched and limit > 0:
        for score, docnum in _top(h, parsed, matched, offset + limit, sort)[offset:]:
            stored = h.searcher.stored_fields(docnum)
            hits.append(EngineHit(uid=stored["uid"], score=score or 0.0, fields=stored))
    facets = facet_counts(h, matched) if with_facets else {}
    return EngineResult(total=matched.bit_count(), hits=hits, facets=facets, is_relaxed=relaxed)


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
