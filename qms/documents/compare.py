"""Compare two versions section by section, marking inserted and deleted words."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from qms.documents.content import section_texts

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class SectionDiff:
    heading: str
    html: Markup
    changed: bool


def diff_words(old: str, new: str) -> list[tuple[str, str]]:
    """Return ``(op, text)`` pieces where op is ``equal``, ``insert`` or ``delete``."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


def render(pieces: list[tuple[str, str]]) -> Markup:
    """Return escaped HTML with ``<ins>`` and ``<del>`` around changed words."""
    out = []
    for op, text in pieces:
        if op == "equal":
            out.append(escape(text))
        else:
            tag = "ins" if op == "insert" else "del"
            out.append(Markup(f"<{tag}>") + escape(text) + Markup(f"</{tag}>"))
    return Markup("").join(out)


def compare_versions(old, new) -> list[SectionDiff]:
    """Return one diff per section heading found in either version, in order."""
    old_sections = {key: (heading, text) for key, heading, text in section_texts(old)}
    result = []
    seen = set()
    for key, heading, text in section_texts(new):
        seen.add(key)
        old_text = old_sections.get(key, (heading, ""))[1]
        pieces = diff_words(old_text, text)
        result.append(SectionDiff(heading, render(pieces), any(op != "equal" for op, _ in pieces)))
    for key, (heading, text) in old_sections.items():
        if key not in seen:
            pieces = diff_words(text, "")
            result.append(SectionDiff(heading, render(pieces), bool(text)))
    return result
