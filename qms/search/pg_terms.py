"""Entries as ``tsvector`` text and parsed queries as ``tsquery`` text, from the project's analysis.

PostgreSQL never analyses anything here: a ``tsvector`` is written as its literal form
(``'auditor':1A,7 'intern':2A``) from ``analyzer.words`` and a query as a ``tsquery``
literal of the same terms, so stemming, accent folding and stop words are exactly those
of the Whoosh index, and whatever the analyzer learns later (conflation, NFC) reaches
both backends at once. Positions skip stop words as Whoosh's do, so a phrase is adjacent
terms (``<->``) on both.

Layout of one entry's vector, by weight:

* A — the title's terms, positions from 1;
* B — the code folded to letters and digits ("prgt01"), after the title;
* D — the body's terms, after a gap (a phrase never runs from the title into the body);
* C — the unstemmed folded words of four letters or more, all at the last position: what a
  prefix ("capacitac*") is matched against, as Whoosh's ``spell`` field. They never sit
  next to a term, so phrases cannot use them, and their rank weight is zero.
"""
from __future__ import annotations

from qms.search.analyzer import words
from qms.search.query import Code, ParsedQuery, Phrase, Prefix, Word
from qms.search.schema import SCHEMA_VERSION
from qms.search.writer import codekey, spell_words

#: Written into each row: the analysis (``SCHEMA_VERSION``, bumped whenever analysis
#: changes) and this module's layout. Rows of another version are outdated.
ROW_VERSION = SCHEMA_VERSION * 100 + 1
#: PostgreSQL's largest position; the vocabulary words (weight C) sit there.
LAST_POSITION = 16383
#: Body terms stop before it, so no body term shares the vocabulary's position.
BODY_LIMIT = LAST_POSITION - 1
#: Positions left between title, code and body.
GAP = 8
#: ``ts_rank_cd`` weights of {D, C, B, A}: body, vocabulary (not ranked), code, title.
RANK_WEIGHTS = "{0.1, 0, 0.5, 1.0}"


def quote(lexeme: str) -> str:
    """Return ``lexeme`` as a quoted tsvector/tsquery lexeme."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _positions(terms: list[str], start: int, weight: str, out: dict[str, list[str]], limit: int) -> int:
    """Add ``terms`` at consecutive positions from ``start``; return the next free position."""
    pos = start
    for term in terms:
        if pos > limit:
            break
        out.setdefault(term, []).append(f"{pos}{weight}")
        pos += 1
    return pos


def entry_vector(title: str, code: str, body: str) -> str:
    """Return the ``tsvector`` literal of one entry (see the module docstring)."""
    out: dict[str, list[str]] = {}
    pos = _positions(words(title), 1, "A", out, BODY_LIMIT) + GAP
    key = codekey(code)
    if key:
        pos = _positions([key], pos, "B", out, BODY_LIMIT)
    _positions(words(body), pos + GAP, "", out, BODY_LIMIT)
    for word in spell_words(title, body).split():
        out.setdefault(word, []).append(f"{LAST_POSITION}C")
    return " ".join(f"{quote(t)}:{','.join(p)}" for t, p in out.items())


def title_vector(title: str) -> str:
    """Return the ``tsvector`` literal of the title alone (choosing candidates to rank)."""
    out: dict[str, list[str]] = {}
    _positions(words(title), 1, "", out, BODY_LIMIT)
    return " ".join(f"{quote(t)}:{','.join(p)}" for t, p in out.items())


def _adjacent(stems: list[str], weight: str = "") -> str:
    parts = [quote(s) + (f":{weight}" if weight else "") for s in stems]
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def clause_query(clause) -> str | None:
    """Return the tsquery of one clause, or None when it has no terms (only stop words)."""
    if isinstance(clause, Word):
        stems = words(clause.text)
        return _adjacent(stems, "A" if clause.title_only else "") if stems else None
    if isinstance(clause, Phrase):
        stems = words(clause.text)
        return _adjacent(stems) if stems else None
    if isinstance(clause, Code):
        key, stems = codekey(clause.text), words(clause.text)
        parts = ([quote(key) + ":B"] if key else []) + ([_adjacent(stems)] if stems else [])
        return "(" + " | ".join(parts) + ")" if parts else None
    if isinstance(clause, Prefix):
        return quote(clause.text) + ":*"
    return None


def match_query(parsed: ParsedQuery, relaxed: bool = False) -> str | None:
    """Return the tsquery of ``parsed``'s clauses (all of them, or any when ``relaxed``)."""
    parts = [q for q in (clause_query(c) for c in parsed.clauses) if q]
    if not parts:
        return None
    return (" | " if relaxed else " & ").join(parts)


def excluded_query(parsed: ParsedQuery) -> str | None:
    """Return the tsquery any excluded clause matches, or None."""
    parts = [q for q in (clause_query(c) for c in parsed.excluded) if q]
    return " | ".join(parts) if parts else None


def title_queries(parsed: ParsedQuery) -> tuple[str | None, str | None]:
    """Return tsqueries of the typed words in a title: all of them, and any of them."""
    stems = [s for c in parsed.clauses if isinstance(c, (Word, Phrase, Code)) for s in words(c.text)]
    stems = list(dict.fromkeys(stems))
    if not stems:
        return None, None
    quoted = [quote(s) for s in stems]
    return " & ".join(quoted), " | ".join(quoted)


def code_keys(parsed: ParsedQuery) -> list[str]:
    """Return the folded codes typed (their objects get the code boost)."""
    return [k for k in (codekey(c.text) for c in parsed.clauses if isinstance(c, Code)) if k]


def prefix_queries(parsed: ParsedQuery) -> list[str]:
    """Return one tsquery per typed prefix (each match adds a constant to the score)."""
    return [quote(c.text) + ":*" for c in parsed.clauses if isinstance(c, Prefix)]
