"""Highlighted snippets, computed with the same analysis as the index.

Whoosh's highlighter re-analyses the whole stored text of every hit through its filter
chain; this one walks the words once with the cached ``normalize_word``, stops once it
has enough matches, and returns escaped HTML with ``<mark>`` around matched words.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from qms.search.analyzer import WORD_RE, fold, normalize_word

#: Characters of context in a snippet.
WIDTH = 220
#: Matches collected before choosing the window.
MAX_MATCHES = 40


def _matches(text: str, stems: set[str], prefixes: list[str], limit: int) -> list[tuple[int, int]]:
    spans = []
    for match in WORD_RE.finditer(text):
        raw = match.group()
        term = normalize_word(raw)
        if (term is not None and term in stems) or (prefixes and fold(raw).startswith(tuple(prefixes))):
            spans.append(match.span())
            if len(spans) >= limit:
                break
    return spans


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


def highlight(text: str, stems: set[str], prefixes: list[str] | None = None) -> Markup:
    """Return the whole (short) ``text`` with matches marked, e.g. a title."""
    text = text or ""
    return _mark(text, _matches(text, stems, prefixes or [], 1000), 0, len(text))


def snippet(text: str, stems: set[str], prefixes: list[str] | None = None, width: int = WIDTH) -> Markup:
    """Return the window of ``text`` with the most matches, marked; the start if none."""
    text = " ".join((text or "").split())
    spans = _matches(text, stems, prefixes or [], MAX_MATCHES)
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
