"""What a save changed in a draft, small enough for a trail entry.

A ``version.edited`` entry keeps, for each field that changed, its before and after;
for each section that changed, its heading, a short excerpt of the text before and after
and a word diff in the ``[-deleted-]{+inserted+}`` notation (unchanged text cut down to a
few words of context), so the trail tells what changed without copying the document.
"""
from __future__ import annotations

from qms.documents.compare import diff_words

#: Characters of a section kept as its before/after excerpt.
EXCERPT_CHARS = 160
#: Words of unchanged text kept on each side of a change in the diff.
CONTEXT_WORDS = 4
#: Longest diff kept for one section; the rest is cut with an ellipsis.
DIFF_CHARS = 600


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Return ``text`` on one line, cut at ``limit`` characters."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _context(text: str, keep_start: bool, keep_end: bool) -> str:
    """Cut unchanged text down to the words next to the changes around it."""
    words = text.split()
    if len(words) <= 2 * CONTEXT_WORDS:
        return " ".join(words)
    head = words[:CONTEXT_WORDS] if keep_start else []
    tail = words[-CONTEXT_WORDS:] if keep_end else []
    return " ".join(head + ["…"] + tail)


def word_diff(old: str, new: str) -> str:
    """Return the changes from ``old`` to ``new`` as ``…context [-old-]{+new+} context…``."""
    pieces = [(op, " ".join(text.split())) for op, text in diff_words(old, new)]
    pieces = [(op, text) for op, text in pieces if text]
    out = []
    for i, (op, text) in enumerate(pieces):
        if op == "equal":
            out.append(_context(text, keep_start=i > 0, keep_end=i < len(pieces) - 1))
        elif op == "delete":
            out.append(f"[-{text}-]")
        else:
            out.append(f"{{+{text}+}}")
    diff = " ".join(part for part in out if part)
    return diff if len(diff) <= DIFF_CHARS else diff[: DIFF_CHARS - 1] + "…"


def section_changes(schema: list[dict], before: dict, after: dict) -> dict:
    """Return ``{key: {"heading", "before", "after", "diff"}}`` for the sections that changed."""
    headings = {s["key"]: f"{s.get('number', '')}. {s.get('title', s['key'])}".lstrip(". ") for s in schema}
    changed = {}
    for key in list(headings) + [k for k in {**before, **after} if k not in headings]:
        old, new = (before or {}).get(key) or "", (after or {}).get(key) or ""
        if old == new:
            continue
        changed[key] = {"heading": headings.get(key, key), "before": excerpt(old), "after": excerpt(new),
                        "diff": word_diff(old, new)}
    return changed


def draft_changes(schema: list[dict], before: dict, after: dict) -> dict:
    """Return the trail details of a save: ``{field: [before, after]}`` and ``sections``.

    ``before`` and ``after`` hold ``title``, ``change_description``, ``references``,
    ``record_types`` and ``sections`` (key -> text).
    """
    details = {}
    for field in ("title", "change_description", "references", "record_types"):
        if before.get(field) != after.get(field):
            details[field] = [before.get(field), after.get(field)]
    sections = section_changes(schema, before.get("sections") or {}, after.get("sections") or {})
    if sections:
        details["sections"] = sections
    return details
