"""Entries as ``tsvector`` text and parsed queries as ``tsquery`` text, from the project's analysis.

PostgreSQL never analyses anything here: a ``tsvector`` is written as its literal form
(``'auditor':1A,7 'intern':2A``) from ``analyzer.words`` and a query as a ``tsquery``
literal of the same terms, so stemming, accent folding and stop words are exactly those
of the Whoosh index, and whatever the analyzer learns later (conflation, NFC) reaches
both backends at once. Positions skip stop words as Whoosh's do, so a phrase is adjacent
terms (``<->``) on both.

Layout of one entry's vector, by weight:

* A — the title's terms, positions from 1;
* B — the code's keys (``qms.search.codeforms``, as the Whoosh index's ``codekey`` and
  ``codepart``): exact keys marked ``=`` ("=prgt01", "=prgt1"), series and tails marked
  ``~`` ("~prgt", "~gt01"), after the title. The marks keep them apart from words and
  from each other, so a code never needs a weight check (which would read every
  candidate row) and "PR-GT*" is the prefix ``'=prgt':*`` over exact keys only;
* D — the indexed body's terms (``Entry.indexed_body``: content, then metadata), after a
  gap (a phrase never runs from the title into the body);
* each pair of adjacent terms of one field as one more term ("control_document"), at the
  first one's position and weight: a two-word phrase is then one GIN lookup, as the
  Whoosh index's common grams, and no row's positions are read (``<->`` needs them);
* C — the unstemmed folded words of four letters or more, marked (``_capacitaciones``: a
  word may be another word's stem), what a prefix ("capacitac*") is matched against, as
  Whoosh's ``spell`` field, and, for words written with accents, ``_folded:written``
  ("_evaluacion:evaluación", as Whoosh's ``surface``): how many entries hold each is what
  ranks "¿Quiso decir …?". All at the last position: they never sit next to a term, so
  phrases cannot use them, and their rank weight is zero.
"""
from __future__ import annotations

from qms.search import codeforms
from qms.search.analyzer import WORD_RE, normalize_word, words
from qms.search.query import AllWords, AnyOf, Code, ParsedQuery, Phrase, Prefix, Word
from qms.search.schema import SCHEMA_VERSION
from qms.search.writer import vocabulary_word

#: Written into each row: the analysis (``SCHEMA_VERSION``, bumped whenever analysis
#: changes) and this module's layout. Rows of another version are outdated.
ROW_VERSION = SCHEMA_VERSION * 100 + 4
#: Marks an unstemmed word: "regular" is a word and the stem of "regularmente", and a search
#: for "regularmente" must not find every text that says "regular" (stem ``regul``). Terms are
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
#: Marks of the code keys in the vector (see the module docstring).
EXACT_MARK, PART_MARK = "=", "~"


def quote(lexeme: str) -> str:
    """Return ``lexeme`` as a quoted tsvector/tsquery lexeme."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class Vocabulary:
    """The words of an entry for prefixes and suggestions: folded, and as written."""

    def __init__(self):
        self.words: set[str] = set()
        self.written: set[str] = set()

    def add(self, raw: str) -> None:
        word, form = vocabulary_word(raw)
        if word is not None:
            self.words.add(word)
            if form is not None:
                self.written.add(form)


def _scan(text: str, start: int, weight: str, out: dict[str, list[str]], vocabulary: Vocabulary | None,
          pairs: bool = True) -> int:
    """Add the terms of ``text`` at consecutive positions from ``start``; return the next free one.

    One pass does what ``analyzer.words`` and the Whoosh writer's vocabulary do in two:
    the words go to ``vocabulary``, and each pair of adjacent terms is added as one more
    term (``pairs``).
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
            vocabulary.add(raw)
    return pos


def _literal(out: dict[str, list[str]]) -> str:
    return " ".join(f"{quote(t)}:{','.join(p)}" for t, p in out.items())


def code_lexemes(code: str) -> list[str]:
    """Return the marked code keys an entry's vector holds (exact, then partial)."""
    return ([EXACT_MARK + k for k in sorted(codeforms.exact_keys(code))]
            + [PART_MARK + k for k in sorted(codeforms.partial_keys(code))])


def entry_vector(title: str, code: str, body: str) -> tuple[str, Vocabulary]:
    """Return the ``tsvector`` literal of one entry (see the module docstring) and its words.

    ``body`` is the indexed body (``Entry.indexed_body``).
    """
    out: dict[str, list[str]] = {}
    vocabulary = Vocabulary()
    pos = _scan(title, 1, "A", out, vocabulary) + GAP
    if code:
        for lexeme in code_lexemes(code):
            out.setdefault(lexeme, []).append(f"{pos}B")
        pos += 1
    _scan(body, pos + GAP, "", out, vocabulary)
    for word in vocabulary.words | vocabulary.written:
        out[VOCABULARY_MARK + word] = [f"{LAST_POSITION}C"]
    return _literal(out), vocabulary


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


def _any(parts: list[str]) -> str | None:
    parts = [p for p in parts if p]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def _code_query(clause: Code) -> str | None:
    """A code's exact or partial keys ("PR-GT*": exact keys beginning so), or its words."""
    keys = sorted(clause.keys)
    exact = [quote(EXACT_MARK + k) + (":*" if clause.is_prefix else "") for k in keys]
    parts = exact + [quote(PART_MARK + k) for k in keys]
    stems = words(clause.text)
    if stems and not clause.is_prefix:
        parts.append(_adjacent(stems))
    return _any(parts)


def clause_query(clause) -> str | None:
    """Return the tsquery of one clause, or None when it has no terms (only stop words).

    The clauses are ``qms.search.query``'s, as ``matching.clause_docs`` answers them for Whoosh.
    """
    if isinstance(clause, Word):
        stems = words(clause.text)
        return _adjacent(stems, "A" if clause.title_only else "") if stems else None
    if isinstance(clause, Phrase):
        stems = words(clause.text)
        return _adjacent(stems) if stems else None
    if isinstance(clause, AllWords):
        stems = list(dict.fromkeys(words(clause.text)))
        if not stems:
            return None
        return quote(stems[0]) if len(stems) == 1 else "(" + " & ".join(quote(s) for s in stems) + ")"
    if isinstance(clause, AnyOf):
        return _any([clause_query(option) for option in clause.options])
    if isinstance(clause, Code):
        return _code_query(clause)
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
    """Return tsqueries of the typed words (and their glossary alternatives) in a title:
    all of them, and any of them, as the Whoosh engine chooses its pool (``ranking._pool``)."""
    stems = [s for c in parsed.alternatives() if isinstance(c, (Word, Phrase, Code, AllWords))
             for s in words(c.text)]
    stems = list(dict.fromkeys(stems))
    if not stems:
        return None, None
    quoted = [quote(s) for s in stems]
    return " & ".join(quoted), " | ".join(quoted)


def code_keys(parsed: ParsedQuery) -> list[str]:
    """Return the keys of the codes typed: an entry holding one as an exact key gets the
    code boost, as a series or tail the smaller one (``ranking.CODE_BOOST``, ``CODE_PART_BOOST``)."""
    return sorted({k for c in parsed.clauses if isinstance(c, Code) for k in c.keys})


def prefix_queries(parsed: ParsedQuery) -> list[str]:
    """Return one tsquery per typed prefix (each match adds a constant to the score)."""
    return [quote(VOCABULARY_MARK + c.text) + ":*" for c in parsed.clauses if isinstance(c, Prefix)]
