"""Query compilation: which documents match each clause of a parsed query, as bitsets.

Every clause is answered from posting bitsets: words from the title/body terms, codes
from their keys (``codekey``, ``codepart``; ``qms.search.codeforms``), glossary
alternatives (``AnyOf``) as the union of their options, phrases from ``pairs`` and, where needed, positions (``Holder.phrase_set``).
Only a prefix (of a word or of a code) runs a Whoosh query (per segment, cached like a posting list). Whoosh's
scorer never walks a whole posting list: BM25 is computed for the page's candidates
only (``qms.search.ranking``).
"""
from __future__ import annotations

from whoosh import query as wq

from qms.search.analyzer import words
from qms.search.query import AllWords, AnyOf, Code, ParsedQuery, Phrase, Prefix, Word
from qms.search.searcher import Holder

#: Index fields holding code keys: exact ones, then series and tails.
CODE_FIELDS = ("codekey", "codepart")


def _text_bits(h: Holder, stems: list[str], title_only: bool = False, within: int = -1) -> int:
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


def _has_terms(clause) -> bool:
    if isinstance(clause, (Word, Phrase, AllWords)):
        return bool(words(clause.text))
    if isinstance(clause, AnyOf):
        return any(_has_terms(option) for option in clause.options)
    return isinstance(clause, (Prefix, Code))


def code_docs(h: Holder, clause: Code, within: int = -1) -> int:
    """Return the documents whose code is, begins or ends as typed (or holds it as words)."""
    bits = 0
    for key in clause.keys:
        for f in CODE_FIELDS:
            bits |= h.term_set(f, key)
        if clause.is_prefix:
            bits |= h.query_set(("#codeprefix", key), lambda key=key: wq.Prefix("codekey", key))
    if not clause.is_prefix:
        bits |= _text_bits(h, words(clause.text), within=within)
    return bits


def clause_docs(h: Holder, clause, within: int = -1) -> int:
    """Return the live documents matching one clause, as a bitset.

    ``within``: only these documents need an exact answer (phrases are checked there
    only; outside it the result may miss matches).
    """
    if isinstance(clause, Word):
        return _text_bits(h, words(clause.text), clause.title_only, within)
    if isinstance(clause, Phrase):
        return _text_bits(h, words(clause.text), within=within)
    if isinstance(clause, Code):
        return code_docs(h, clause, within)
    if isinstance(clause, AnyOf):
        bits = 0
        for option in clause.options:
            bits |= clause_docs(h, option, within)
        return bits
    if isinstance(clause, AllWords):
        bits = within
        for stem in words(clause.text):
            bits &= _text_bits(h, [stem])
        return bits
    if isinstance(clause, Prefix):
        # The unstemmed vocabulary field makes "capacitac*" meet "capacitaciones".
        return h.query_set(("#prefix", clause.text), lambda: wq.Prefix("spell", clause.text))
    return 0


def matching_docs(h: Holder, parsed: ParsedQuery, relaxed: bool = False, within: int = -1) -> int | None:
    """Return the documents of ``within`` matching ``parsed`` as a bitset (None: nothing to match on)."""
    sets = [clause_docs(h, c, within) for c in parsed.clauses if _has_terms(c)]
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
            result &= ~clause_docs(h, clause, result)
    return result
