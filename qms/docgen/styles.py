"""Find a template's styles by name, whatever language Word saved them in.

Word stores built-in styles under English internal names ("heading 1") but with
localised ids ("Ttulo1" in a Spanish Word); python-docx's own lookup scans the style
sheet for every paragraph. This map is built once per document and falls back to no
style when a template lacks one, so a restyled institution template never breaks.
"""
from __future__ import annotations

from docx.oxml.ns import qn

_ALIASES = {
    "título 1": "heading 1",
    "título 2": "heading 2",
    "título 3": "heading 3",
    "título 4": "heading 4",
    "párrafo de lista": "list paragraph",
    "tabla con cuadrícula": "table grid",
}


class StyleMap:
    """Style ids of one document, looked up by (case-insensitive) name."""

    def __init__(self, document_part):
        self._ids: dict[tuple[str, str], str] = {}
        styles = document_part.styles.element
        for style in styles.findall(qn("w:style")):
            name = style.find(qn("w:name"))
            if name is None:
                continue
            key = name.get(qn("w:val"), "").lower()
            key = _ALIASES.get(key, key)
            self._ids.setdefault((style.get(qn("w:type")), key), style.get(qn("w:styleId")))

    def paragraph(self, name: str) -> str | None:
        """Return the id of paragraph style ``name``, or None when the template lacks it."""
        return self._ids.get(("paragraph", name.lower()))

    def table(self, name: str) -> str | None:
        return self._ids.get(("table", name.lower()))

    def heading(self, level: int) -> str | None:
        """Return the deepest available heading style not deeper than ``level``."""
        for candidate in range(min(level, 9), 0, -1):
            found = self.paragraph(f"heading {candidate}")
            if found:
                return found
        return None
