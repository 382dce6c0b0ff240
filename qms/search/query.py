"""The search-box syntax, parsed into an engine-neutral tree.

Accepted: words, "exact phrases", prefix* (at least two letters), -excluded words,
field filters (``tipo:PR proceso:GT estado:vigente region:RM año:2026 clase:documento
codigo:PR-GT-01 titulo:auditoría``) and document codes (``PR-GT-01``, ``pr-gt-01``,
``PRGT01``). Parsing never fails: a stray quote, an unknown field or a lone ``*`` is
read as plain words.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from qms.search.analyzer import fold, words
from qms.search.schema import FILTER_FIELDS

_TOKEN_RE = re.compile(r'-?[^\s:"]+:"[^"]*"|-?"[^"]*"|\S+')
#: Codes look like PR-GT-01, AUD-2026-03, PNC-2026-007 (or the same without dashes).
CODE_RE = re.compile(r"^[A-Za-z]{2,4}(?:[-_./ ]?[A-Za-z0-9]{1,6}){1,3}$")
_HAS_DIGIT = re.compile(r"\d")
_HAS_ALPHA = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Word:
    text: str
    title_only: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Prefix:
    text: str  # folded, without the star


@dataclass(frozen=True)
class Code:
    text: str  # as typed


@dataclass
class ParsedQuery:
    raw: str
    clauses: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    #: Field -> accepted values (OR within a field, AND across fields); raw as typed.
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.clauses and not self.filters

    def plain_words(self) -> list[str]:
        """Return the free words typed (for suggestions), folded."""
        return [fold(c.text) for c in self.clauses if isinstance(c, Word)]

    def stems(self) -> set[str]:
        """Return every index term the clauses look for (for highlighting)."""
        out: set[str] = set()
        for clause in self.clauses:
            if isinstance(clause, (Word, Phrase, Code)):
                out.update(words(clause.text))
        return out

    def prefixes(self) -> list[str]:
        return [c.text for c in self.clauses if isinstance(c, Prefix)]


def looks_like_code(token: str) -> bool:
    """Return whether ``token`` may be an object code (letters then digits, with or without dashes)."""
    return bool(CODE_RE.match(token) and _HAS_DIGIT.search(token) and _HAS_ALPHA.search(token[:2]))


def _word_clause(token: str):
    token = token.strip(".,;()[]{}¿?¡!'")
    if not token:
        return None
    if looks_like_code(token):
        return Code(token)
    if token.endswith("*"):
        stem = fold(token.rstrip("*"))
        if len(stem) >= 2 and stem.isalnum():
            return Prefix(stem)
        token = token.rstrip("*")
    return Word(token) if token else None


def parse(text: str) -> ParsedQuery:
    """Return the parsed query; unknown or malformed parts become plain words."""
    text = unicodedata.normalize("NFC", text or "")[:500]
    parsed = ParsedQuery(raw=text)
    for token in _TOKEN_RE.findall(text):
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        target = parsed.excluded if negative else parsed.clauses
        name, sep, value = body.partition(":")
        fieldname = FILTER_FIELDS.get(fold(name)) if sep else None
        value = value.strip('"')
        if fieldname and value and not negative:
            _add_field(parsed, fieldname, value)
            continue
        if body.startswith('"') and body.endswith('"') and len(body) > 1:
            inner = body.strip('"').strip()
            if inner:
                target.append(Phrase(inner) if len(inner.split()) > 1 else _word_clause(inner))
            continue
        for piece in body.replace('"', " ").replace(":", " ").split():
            clause = _word_clause(piece)
            if clause is not None:
                target.append(clause)
    parsed.clauses = [c for c in parsed.clauses if c is not None]
    parsed.excluded = [c for c in parsed.excluded if c is not None]
    return parsed


def _add_field(parsed: ParsedQuery, fieldname: str, value: str) -> None:
    if fieldname == "code":
        parsed.clauses.append(Code(value))
    elif fieldname == "title":
        parsed.clauses.extend(Word(w, title_only=True) for w in value.split())
    else:
        parsed.filters.setdefault(fieldname, []).append(value)
