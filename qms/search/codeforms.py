"""What a code is indexed and looked up as, for any backend.

Codes are typed sloppily: "PR-GT-1" for PR-GT-01, "prgt01", "GT-01" for the end of
PR-GT-01, "PR-GT" or "PR-GT*" for the whole series, "AUD-2026-2" for AUD-2026-02. So a
code is indexed under

* its **exact keys**: folded to letters and digits ("prgt01") and the same with the
  leading zeros of each number dropped ("prgt1"); a typed code looks up the same two
  forms of what was typed, so any padding meets any padding;
* its **partial keys**: the series it heads ("pr", "prgt" for PR-GT-01; "aud",
  "aud2026" for AUD-2026-02) and the tails that still name something ("gt01", "gt1";
  a tail of digits only, "01" or "202602", is too vague and left out).

An exact key ranks a code's object first; a partial key finds its series or its tail
behind it. Pure functions: the Whoosh writer and any other backend index the same terms.
"""
from __future__ import annotations

import re

from qms.search.analyzer import fold_word

_SEGMENT_RE = re.compile(r"[^\W\d_]+|\d+")
_SEPARATED_RE = re.compile(r"[A-Za-z0-9]+")


def compact(text: str) -> str:
    """Return ``text`` folded to letters and digits ("PR-GT-01" → "prgt01")."""
    return "".join(ch for ch in fold_word(text) if ch.isalnum())


def _unpad(segment: str) -> str:
    return (segment.lstrip("0") or "0") if segment.isdigit() else segment


def unpadded(text: str) -> str:
    """Return the compact form with the leading zeros of each number dropped ("prgt1")."""
    return "".join(_unpad(s) for s in _SEGMENT_RE.findall(fold_word(text)))


def exact_keys(code: str) -> set[str]:
    """Return the keys a code is found under when typed whole."""
    keys = {compact(code), unpadded(code)}
    keys.discard("")
    return keys


def _segments(code: str) -> list[str]:
    """Return the parts of a code as written ("PR-GT-01" → pr, gt, 01)."""
    return [fold_word(s) for s in _SEPARATED_RE.findall(code)]


def partial_keys(code: str) -> set[str]:
    """Return the series prefixes and the tails of ``code`` (see the module docstring)."""
    parts = _segments(code)
    out: set[str] = set()
    for k in range(1, len(parts)):
        head, tail = parts[:k], parts[k:]
        out.update({"".join(head), "".join(_unpad(p) for p in head)})
        if any(not p.isdigit() for p in tail):
            out.update({"".join(tail), "".join(_unpad(p) for p in tail)})
    out.discard("")
    return out - exact_keys(code)


def query_keys(typed: str) -> set[str]:
    """Return the keys a typed code (or part of one) looks up, exact or partial."""
    return exact_keys(typed)
