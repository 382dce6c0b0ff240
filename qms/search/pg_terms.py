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
* each pair of adjacent terms of one field as one more term ("control_document"), at the
  first one's position and weight: a two-word phrase is then one GIN lookup, as the
  Whoosh index's common grams, and no row's positions are read (``<->`` needs them);
* C — the unstemmed folded words of four letters or more, marked (``_capacitaciones``), all
  at the last position: what a prefix ("capacitac*") is matched against, as Whoosh's
  ``spell`` field. They never sit
  next to a term, so phrases cannot use them, and their rank weight is zero.
"""
from __future__ import annotations

from qms.search.analyzer import WORD_RE, fold_word, normalize_word, words
from qms.search.query import Code, ParsedQuery, Phrase, Prefix, Word
from qms.search.schema import SCHEMA_VERSION
from qms.search.writer import codekey

#: Written into each row: the analysis (``SCHEMA_VERSION``, bumped whenever analysis
#: changes) and this module's layout. Rows of another version are outdated.
ROW_VERSION = SCHEMA_VERSION * 100 + 3
#: Marks an unstemmed word: "aplicar" is a word and the stem of "aplicares", and a search
#: for "aplicares" must not find every text that says "aplicar" (stem ``aplic``). Terms are
#: letters and digits, pairs hold ``_`` inside, so a leading ``_`` is the vocabulary's own.
VOCABULARY_MARK = "_"
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


def _scan(text: str, start: int, weight: str, out: dict[str, list[str]], vocabulary: set[str] | None,
          pairs: bool = True) -> int:
    """Add the terms of ``text`` at consecutive positions from ``start``; return the next free one.

    One pass does what ``analyzer.words`` and ``writer.spell_words`` do in two: the
    unstemmed folded words of four letters or more go to ``vocabulary``, and each pair
    of adjacent terms is added as one more term (``pairs``).
    """
    pos, previous = start, None
    for match in WORD_RE.finditer(text):
        raw = match.group()
        term = normalize_word(raw)
        if term is None:
            continue  # a stop word holds no position, as in the Whoosh index
        if pos <= BODY_LIMIT:
            out.setdefault(term, []).append(f"{pos}{weight}")
            if pairs and previous is not None:
                out.setdefault(f"{previous}_{term}", []).append(f"{pos - 1}{weight}")
            previous = term
            pos += 1
        if vocabulary is not None:
            folded = fold_word(raw)
            if len(folded) > 3 and folded.isalpha():
                vocabulary.add(folded)
    return pos


def _literal(out: dict[str, list[str]]) -> str:
    return " ".join(f"{quote(t)}:{','.join(p)}" for t, p in out.items())


def entry_vector(title: str, code: str, body: str) -> str:
    """Return the ``tsvector`` literal of one entry (see the module docstring)."""
    out: dict[str, list[str]] = {}
    vocabulary: set[str] = set()
    pos = _scan(title, 1, "A", out, vocabulary) + GAP
    key = codekey(code)
    if key:
        out.setdefault(key, []).append(f"{pos}B")
        pos += 1
    _scan(body, pos + GAP, "", out, vocabulary)
    for word in vocabulary:
        out[VOCABULARY_MARK + word] = [f"{LAST_POSITION}C"]
    return _literal(out)


def title_vector(title: str) -> str:
    """Return the ``tsvector`` literal of the title alone (choosing candidates to rank)."""
    out: dict[str, list[str]] = {}
    _scan(title, 1, "", out, None, pairs=False)
    return _literal(out)


def _adjacent(stems: list[str], weight: str = "") -> str:
    """Return the tsquery of terms side by side: one term, one pair, or the pairs and the phrase.

    A pair is a term of its own (``a_b``), found in the GIN index without reading any
    row's positions; longer phrases are narrowed by their pairs before positions are checked.
    """
    suffix = f":{weight}" if weight else ""
    if len(stems) == 1:
        return quote(stems[0]) + suffix
    pairs = [quote(f"{a}_{b}") + suffix for a, b in zip(stems, stems[1:])]
    if len(stems) == 2:
        return pairs[0]
    return "(" + " & ".join(pairs) + " & (" + " <-> ".join(quote(s) + suffix for s in stems) + "))"


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
        return quote(VOCABULARY_MARK + clause.text) + ":*"
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
    return [quote(VOCABULARY_MARK + c.text) + ":*" for c in parsed.clauses if isinstance(c, Prefix)]
