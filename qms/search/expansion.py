"""Rewriting a parsed query with the institution's glossary, for any backend.

A glossary group is a list of expressions that mean the same here ("queja", "reclamo";
"PAC", "plan anual de capacitación"). A word, a quoted phrase or a run of typed words
that reads like one expression of a group (same index terms: "quejas", "Reclamos" and
"plan anual de capacitacion" all count) becomes an ``AnyOf`` of every expression of the
group; an expression of several words is a ``Phrase`` option, so it only matches as a
phrase, while the words as typed keep their meaning (``AllWords``: each one, anywhere). A word typed as ``titulo:`` is left as typed (its equivalents would search the
body too). Pure: the glossary's rows are read by ``qms.search.glossary``.
"""
from __future__ import annotations

from dataclasses import replace

from qms.search.analyzer import words
from qms.search.query import AllWords, AnyOf, ParsedQuery, Phrase, Word

#: The longest expression, in index terms, a run of typed words is compared with.
MAX_RUN = 8


def _as_clause(expression: str):
    return Phrase(expression) if len(words(expression)) > 1 else Word(expression)


class Glossary:
    """Expressions by their index terms, each with the clauses of its whole group."""

    def __init__(self, groups: list[list[str]]):
        self.by_terms: dict[tuple[str, ...], tuple] = {}
        for group in groups:
            clauses = tuple(_as_clause(e) for e in group if words(e))
            for expression in group:
                terms = tuple(words(expression))
                if terms and len(clauses) > 1:
                    # A term in two groups gathers both, never loses one.
                    known = self.by_terms.get(terms, ())
                    self.by_terms[terms] = known + tuple(c for c in clauses if c not in known)

    def __bool__(self) -> bool:
        return bool(self.by_terms)

    def options(self, typed, terms: tuple[str, ...]) -> AnyOf | None:
        found = self.by_terms.get(terms)
        if not found:
            return None
        others = tuple(c for c in found if tuple(words(c.text)) != terms)
        return AnyOf(typed=typed, options=(typed, *others)) if others else None


def expand(parsed: ParsedQuery, glossary: Glossary) -> ParsedQuery:
    """Return ``parsed`` with every glossary expression turned into its alternatives."""
    if not glossary:
        return parsed
    return replace(parsed, clauses=_expand(parsed.clauses, glossary),
                   excluded=_expand(parsed.excluded, glossary))


def _expand(clauses: list, glossary: Glossary) -> list:
    out, i = [], 0
    while i < len(clauses):
        clause = clauses[i]
        if isinstance(clause, Phrase):
            out.append(glossary.options(clause, tuple(words(clause.text))) or clause)
            i += 1
            continue
        taken, found = _longest_run(clauses, i, glossary)
        if found is None:
            out.append(clause)
            i += 1
        else:
            out.append(found)
            i += taken
    return out


def _longest_run(clauses: list, start: int, glossary: Glossary):
    """Return (how many clauses, AnyOf) for the longest run of plain words from ``start``."""
    run: list[Word] = []
    for clause in clauses[start:start + MAX_RUN]:
        if not isinstance(clause, Word) or clause.title_only:
            break
        run.append(clause)
    for n in range(len(run), 0, -1):
        text = " ".join(w.text for w in run[:n])
        typed = run[0] if n == 1 else AllWords(text)
        found = glossary.options(typed, tuple(words(text)))
        if found is not None:
            return n, found
    return 0, None
