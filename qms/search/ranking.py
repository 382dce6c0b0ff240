"""Ordering the matches: BM25 for one page's candidates only, or newest first.

Whoosh's collector scores every match in Python (tens of microseconds each); here the
candidates are chosen first (all matches up to ``RERANK_POOL``, else a pool picked by
set membership) and only they are scored, with Whoosh's own BM25F and statistics.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left

from qms.search.analyzer import words
from qms.search.bitsets import iter_bits, top_bits
from qms.search.matching import clause_docs
from qms.search.postings import read_postings
from qms.search.query import AllWords, Code, ParsedQuery, Phrase, Prefix, Word
from qms.search.searcher import Holder
from qms.search.segcache import SCORED_FIELDS

#: Score multiplier of an exact code match: the coded object comes first.
CODE_BOOST = 50.0
#: Score multiplier of a series or tail match ("PR-GT", "GT-01"): behind an exact code,
#: ahead of entries that only mention the code's parts as words.
CODE_PART_BOOST = 10.0

#: Above this many matches, BM25 scores only a pre-ranked pool of candidates.
RERANK_POOL = 300


def top_docs(h: Holder, parsed: ParsedQuery, matched: int, limit: int, sort: str):
    """Return (score, docnum) of the best ``limit`` documents among ``matched``."""
    if sort == "date":
        # Walk the searcher's newest-first order and keep matches: stops after ``limit``
        # instead of sorting every match by date.
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


def _pool(h: Holder, parsed: ParsedQuery, matched: int, size: int) -> list[int]:
    """Return at most ``size`` likely-best matches, chosen by set membership only.

    Exact code matches and matches in the title (all words, then any) are what rank
    first anyway; the pool is topped up with the most recently indexed matches.
    """
    pool = 0
    for clause in parsed.clauses:
        if isinstance(clause, Code):
            for key in clause.keys:
                pool |= matched & (h.term_set("codekey", key) | h.term_set("codepart", key))
    titles = [h.term_set("title", t) for c in parsed.alternatives() if isinstance(c, (Word, Phrase, Code, AllWords))
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
    """Return the ``n`` highest-numbered (most recently indexed) documents of ``bits``."""
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
    for clause in parsed.alternatives():
        if isinstance(clause, Code):
            for key in sorted(clause.keys):
                yield "codekey", key, CODE_BOOST
                yield "codepart", key, CODE_PART_BOOST
        if isinstance(clause, (Word, Phrase, Code, AllWords)):
            fields_ = ("title",) if getattr(clause, "title_only", False) else ("title", "body")
            for stem in dict.fromkeys(words(clause.text)):
                for f in fields_:
                    yield f, stem, 1.0


def _score(h: Holder, parsed: ParsedQuery, docs: list[int]) -> dict[int, float]:
    """Return BM25 scores of ``docs`` only (Whoosh's own BM25F with global statistics).

    Whoosh's collector scores every match of the query in Python (tens of microseconds
    each); here each term's postings (cached arrays) are binary-searched for the
    candidates, and only candidates are scored.
    """
    searcher = h.searcher
    scores = dict.fromkeys(docs, 0.0)
    for clause in parsed.clauses:
        if isinstance(clause, Prefix):  # constant score 1.0 per matched prefix, as before
            raw = clause_docs(h, clause)
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
                ids, weights = read_postings(reader, fieldname, text)
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
