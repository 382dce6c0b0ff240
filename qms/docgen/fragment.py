"""Pieces of document body built apart and put in place afterwards.

``Fragment``: blocks drawn with python-docx's API (the stamped control block) outside
the body, bound to the target document's part so styles resolve, then moved in.
``Placeholder``: what a template prints for a section body, swapped for the real blocks
once docxtpl is done.
"""
from __future__ import annotations

from docx.blkcntnr import BlockItemContainer
from docx.oxml import OxmlElement


class Fragment(BlockItemContainer):
    """Paragraphs and tables that belong to ``part``'s document but sit nowhere yet."""

    def __init__(self, part):
        super().__init__(OxmlElement("w:body"), None)
        self._part = part

    @property
    def part(self):
        return self._part

    def elements(self) -> list:
        """Return the block elements (``w:p``, ``w:tbl``, ``w:sdt``) in order."""
        return list(self._element)


class Placeholder:
    """Stands in a template for rendered blocks; swapped for them after the render.

    docxtpl would otherwise serialise every section into its template string, run its
    regular expressions over it and parse it back: the placeholder keeps that work
    proportional to the template, not to the document. The marker carries a per-render
    nonce, so text typed by a user can never be mistaken for one.
    """

    def __init__(self, nonce: str, index: int, elements: list):
        self.marker = f"QMS-BLOCK-{nonce}-{index}"
        self.elements = elements

    def __html__(self) -> str:
        return f'<w:p><w:r><w:t>{self.marker}</w:t></w:r></w:p>'

    __str__ = __html__


def swap_placeholders(body, placeholders: list[Placeholder]) -> None:
    """Replace each placeholder's marker paragraph in ``body`` with its elements."""
    from docx.oxml.ns import qn

    wanted = {p.marker: p for p in placeholders}
    for text in list(body.iter(qn("w:t"))):
        placeholder = wanted.get(text.text)
        if placeholder is None:
            continue
        paragraph = next(text.iterancestors(qn("w:p")))
        for element in placeholder.elements:
            paragraph.addprevious(element)
        paragraph.getparent().remove(paragraph)
