"""Highlighted snippets, computed with the same analysis as the index.

Whoosh's highlighter re-analyses the whole stored text of every hit through its filter
chain; this one finds candidate words with one accent- and case-blind regular
expression, checks only those with the cached ``normalize_word``, stops once it has
enough matches, and returns escaped HTML with ``<mark>`` around matched words. A
phrase is marked as one span where its words stand together (stop words between them
included: "<mark>plan anual de capacitación</mark>"), not word by word elsewhere.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from qms.search.analyzer import WORD_RE, fold, normalize_word
from qms.search.kinds import body_content

#: Characters of context in a snippet.
WIDTH = 220
#: Matches collected before choosing the window.
MAX_MATCHES = 40


def _variants_table() -> dict[str, str]:
    """Map each folded letter to the characters that fold to it ("a" → "aáàâä...")."""
    table: dict[str, set[str]] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0x61, 0x7B)) + list(range(0xC0, 0x250)):
        ch = chr(code)
        folded = fold(ch)
        if len(folded) == 1:
            table.setdefault(folded, {folded}).add(ch)
    return {k: "".join(sorted(v)) for k, v in table.items()}


_VARIANTS = _variants_table()


def _accent_blind(prefix: str) -> str:
    """Return a pattern matching ``prefix`` with or without accents, any case."""
    return "".join(f"[{re.escape(_VARIANTS[c])}]" if c in _VARIANTS else re.escape(c) for c in prefix)


def _stem_prefix(stem: str) -> str:
    """Return a prefix every word analysed to ``stem`` starts with (once folded).

    The stemmer only cuts suffixes, except ``-encia`` → ``-ente``, which changes at most
    the last two characters of a stem.
    """
    return stem if len(stem) <= 2 else stem[: len(stem) - 2]


def _matches(text: str, stems: set[str], prefixes: list[str], limit: int) -> list[tuple[int, int]]:
    """Return the spans of words matching ``stems`` or ``prefixes``, at most ``limit``.

    One accent- and case-blind regular expression finds the few words that can match
    (they start with a stem's prefix); only those go through the analyzer. Walking every
    word through it cost more than the rest of the search for long documents.
    """
    if not stems and not prefixes:
        return []
    starts = sorted({_stem_prefix(s) for s in stems} | set(prefixes), key=len, reverse=True)
    spans = []
    for match in _candidates_re(tuple(starts)).finditer(text):
        raw = match.group()
        term = normalize_word(raw)
        if (term is not None and term in stems) or (prefixes and fold(raw).startswith(tuple(prefixes))):
            spans.append(match.span())
            if len(spans) >= limit:
                break
    return spans


@lru_cache(maxsize=512)
def _candidates_re(starts: tuple[str, ...]):
    alternatives = "|".join(_accent_blind(s) for s in starts)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def _matches_slow(text: str, stems: set[str], prefixes: list[str], limit: int) -> list[tuple[int, int]]:
    """The reference walk, every word through the analyzer (tests hold ``_matches`` to it)."""
    spans = []
    for match in WORD_RE.finditer(text):
        raw = match.group()
        term = normalize_word(raw)
        if (term is not None and term in stems) or (prefixes and fold(raw).startswith(tuple(prefixes))):
            spans.append(match.span())
            if len(spans) >= limit:
                break
    return spans


def _phrase_spans(text: str, phrases: list[tuple[str, ...]], limit: int) -> list[tuple[int, int]]:
    """Return the spans where a phrase's stems follow each other (stop words skipped)."""
    spans = []
    for stems in phrases:
        for match in _candidates_re((_stem_prefix(stems[0]),)).finditer(text):
            if normalize_word(match.group()) != stems[0]:
                continue
            end = _phrase_end(text, match.end(), stems[1:])
            if end is not None:
                spans.append((match.start(), end))
                if len(spans) >= limit:
                    return spans
    return spans


def _phrase_end(text: str, pos: int, rest: tuple[str, ...]) -> int | None:
    """Return where the phrase ends if the words after ``pos`` are ``rest``, else None."""
    end = pos
    if not rest:
        return end
    wanted = iter(rest)
    expected = next(wanted)
    for match in WORD_RE.finditer(text, pos):
        term = normalize_word(match.group())
        if term is None:
            continue  # a stop word holds no position: "plan anual de capacitación"
        if term != expected:
            return None
        end = match.end()
        expected = next(wanted, None)
        if expected is None:
            return end
    return None


def _all_spans(text: str, stems: set[str], prefixes: list[str], phrases, limit: int) -> list[tuple[int, int]]:
    """Return the phrase spans and the word spans outside them, in order, without overlaps."""
    spans = sorted(_phrase_spans(text, phrases, limit) if phrases else [])
    spans += _matches(text, stems, prefixes, limit)
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and a < out[-1][1]:
            continue  # inside a phrase already marked
        out.append((a, b))
    return out[:limit]


def _mark(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    out, cursor = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(escape(text[cursor:a]))
        out.append(Markup("<mark>") + escape(text[a:b]) + Markup("</mark>"))
        cursor = b
    out.append(escape(text[cursor:end]))
    return Markup("").join(out)


def highlight(text: str, stems: set[str], prefixes: list[str] | None = None, phrases=None) -> Markup:
    """Return the whole (short) ``text`` with matches marked, e.g. a title."""
    text = text or ""
    return _mark(text, _all_spans(text, stems, prefixes or [], phrases, 1000), 0, len(text))


def snippet(text: str, stems: set[str], prefixes: list[str] | None = None, width: int = WIDTH,
            phrases=None) -> Markup:
    """Return the window of ``text`` with the most matches, marked; the start if none.

    ``text`` is an indexed body: only its content is shown, never its metadata
    (``kinds.body_content``). ``phrases`` are stem sequences to mark as a whole.
    """
    text = " ".join(body_content(text or "").split())
    spans = _all_spans(text, stems, prefixes or [], phrases, MAX_MATCHES)
    if not spans:
        end = _word_end(text, min(len(text), width))
        return escape(text[:end]) + (Markup(" …") if end < len(text) else Markup(""))
    best, best_count = spans[0][0], 0
    for i, (a, _b) in enumerate(spans):
        n = sum(1 for s, e in spans[i:] if e <= a + width)
        if n > best_count:
            best, best_count = a, n
    start = max(0, best - width // 4)
    start = _word_start(text, start)
    end = _word_end(text, min(len(text), start + width))
    prefix = Markup("… ") if start > 0 else Markup("")
    suffix = Markup(" …") if end < len(text) else Markup("")
    return prefix + _mark(text, spans, start, end) + suffix


def _word_start(text: str, pos: int) -> int:
    while 0 < pos < len(text) and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _word_end(text: str, pos: int) -> int:
    while 0 < pos < len(text) and not text[pos].isspace():
        pos += 1
    return pos
