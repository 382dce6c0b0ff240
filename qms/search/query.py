"""The search-box syntax, parsed into an engine-neutral tree.

Accepted: words, "exact phrases", prefix* (at least two letters), -excluded words,
field filters (``tipo:PR proceso:GT estado:vigente region:RM año:2026 clase:documento
codigo:PR-GT-01 titulo:auditoría``) and codes, whole or in part (``PR-GT-01``,
``pr-gt-01``, ``PRGT01``, ``PR-GT-1``, ``GT-01``, the series ``PR-GT`` or ``PR-GT*``;
what each is looked up as is ``qms.search.codeforms``). Parsing never fails: a stray
quote, an unknown field or a lone ``*`` is read as plain words.

The tree is what every backend receives. After parsing, the service rewrites it with
the institution's glossary (``qms.search.expansion``): a word or phrase with
equivalents becomes an ``AnyOf``, so a backend that answers the clauses below gets
synonyms and acronyms without knowing the glossary.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from qms.search import codeforms
from qms.search.analyzer import fold, words
from qms.search.schema import FILTER_FIELDS

_TOKEN_RE = re.compile(r'-?[^\s:"]+:"[^"]*"|-?"[^"]*"|\S+')
#: Codes look like PR-GT-01, AUD-2026-03, PNC-2026-007 (or the same without dashes).
CODE_RE = re.compile(r"^[A-Za-z]{2,4}(?:[-_./ ]?[A-Za-z0-9]{1,6}){1,3}$")
#: A series without its number: PR-GT, AUD-2026 is a code already (it has digits).
SERIES_RE = re.compile(r"^[A-Za-z]{2,4}(?:[-_./][A-Za-z]{2,5}){1,2}$")
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
    text: str  # as typed, without a final star
    #: Typed with a final star ("PR-GT*"): every code that begins so.
    is_prefix: bool = False

    @property
    def keys(self) -> set[str]:
        """The code keys it looks up (``codeforms.query_keys``)."""
        return codeforms.query_keys(self.text)


@dataclass(frozen=True)
class AllWords:
    """Words typed without quotes that read as a glossary expression: all of them, anywhere.

    Only inside an ``AnyOf`` (as typed: "plan anual de capacitación" keeps meaning every
    word, while its equivalent "PAC" is an alternative).
    """

    text: str


@dataclass(frozen=True)
class AnyOf:
    """A word or phrase as typed and its glossary equivalents: any of them matches.

    ``options`` are ``Word``, ``Phrase`` and ``AllWords`` clauses, the typed one first; a
    phrase option must match as a phrase ("PAC" → "plan anual de capacitación").
    """

    typed: object
    options: tuple

    @property
    def text(self) -> str:
        return self.typed.text


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
        """Return the free words typed (for suggestions), folded; glossary words are not."""
        return [fold(c.text) for c in self.clauses if isinstance(c, Word)]

    def alternatives(self) -> list:
        """Return the clauses with each ``AnyOf`` opened into its options."""
        out = []
        for clause in self.clauses:
            out.extend(clause.options if isinstance(clause, AnyOf) else (clause,))
        return out

    def stems(self) -> set[str]:
        """Return the index terms to mark wherever they occur (words and codes, not phrases)."""
        out: set[str] = set()
        for clause in self.alternatives():
            if isinstance(clause, (Word, Code, AllWords)):
                out.update(words(clause.text))
        return out

    def phrases(self) -> list[tuple[str, ...]]:
        """Return the phrases to mark as a whole, as stem sequences (for highlighting)."""
        found = (tuple(words(c.text)) for c in self.alternatives() if isinstance(c, Phrase))
        return [stems for stems in found if stems]

    def prefixes(self) -> list[str]:
        return [c.text for c in self.clauses if isinstance(c, Prefix)]


def looks_like_code(token: str) -> bool:
    """Return whether ``token`` may be an object code (letters then digits, with or without dashes)."""
    return bool(CODE_RE.match(token) and _HAS_DIGIT.search(token) and _HAS_ALPHA.search(token[:2]))


def looks_like_series(token: str) -> bool:
    """Return whether ``token`` may name a series of codes without its number ("PR-GT")."""
    return bool(SERIES_RE.match(token))


def _word_clause(token: str):
    token = token.strip(".,;()[]{}¿?¡!'")
    if not token:
        return None
    if looks_like_code(token) or looks_like_series(token):
        return Code(token)
    starred = token.rstrip("*")
    if starred != token and (looks_like_code(starred) or looks_like_series(starred)):
        return Code(starred, is_prefix=True)
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
