"""A Word file's body as an outline: its top-level headings and the text under each.

Compare, the check against a type's sections and the switch back to browser authoring
need the text of a Word file by heading, not as one block. A heading is a paragraph whose
style is a level-1 heading (``Heading 1``/``Título 1``, or any style or paragraph with
outline level 0); deeper headings stay inside their section, as ``### `` lines. Tables
become Markdown table rows (``| a | b |``), so they are compared cell by cell and come
back as tables. The stamped control block (title, approvals, changes) is not content.
Nothing here knows what the sections mean: matching them to a schema is the caller's.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import docx
from docx.oxml.ns import qn

from qms.docgen.by_content import cached_by_content
from qms.docgen.text import control_paragraphs

_HEADING_STYLE = re.compile(r"^(heading|t[ií]tulo|encabezado)\s*(\d)$", re.I)


@dataclass
class OutlineSection:
    """One top-level heading and what follows it until the next one."""

    heading: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class Outline:
    #: Text before the first heading.
    preamble: list[str] = field(default_factory=list)
    sections: list[OutlineSection] = field(default_factory=list)


def _paragraph_text(paragraph) -> str:
    pieces = (node.text or "" if node.tag == qn("w:t") else " " for node in paragraph.iter(qn("w:t"), qn("w:tab")))
    return " ".join("".join(pieces).split())


def _style_levels(document) -> dict[str, int]:
    """Return style id -> heading level (1-based) for the package's heading styles."""
    levels = {}
    for style in document.styles.element.iter(qn("w:style")):
        style_id = style.get(qn("w:styleId")) or ""
        name = style.find(qn("w:name"))
        match = _HEADING_STYLE.match((name.get(qn("w:val")) if name is not None else "") or style_id)
        outline = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if match:
            levels[style_id] = int(match.group(2))
        elif outline is not None and (outline.get(qn("w:val")) or "").isdigit():
            levels[style_id] = int(outline.get(qn("w:val"))) + 1
    return levels


def _level(paragraph, levels: dict[str, int]) -> int | None:
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        return None
    outline = ppr.find(qn("w:outlineLvl"))
    if outline is not None and (outline.get(qn("w:val")) or "").isdigit() and int(outline.get(qn("w:val"))) < 9:
        return int(outline.get(qn("w:val"))) + 1
    style = ppr.find(qn("w:pStyle"))
    return levels.get(style.get(qn("w:val"))) if style is not None else None


def _table_lines(table) -> list[str]:
    rows = []
    for row in table.iter(qn("w:tr")):
        cells = [" ".join(_paragraph_text(p) for p in cell.iter(qn("w:p"))).strip().replace("|", "/")
                 for cell in row.iter(qn("w:tc"))]
        rows.append("| " + " | ".join(cells) + " |")
    if rows:
        width = rows[0].count(" | ") + 1
        rows.insert(1, "| " + " | ".join(["---"] * width) + " |")
    return rows


def outline_of(document) -> Outline:
    """Return the outline of a python-docx Document."""
    body = document.element.body
    skip = control_paragraphs(body)
    levels = _style_levels(document)
    result = Outline()
    current: list[str] = result.preamble
    for child in body.iterchildren():
        if child.tag == qn("w:sdt"):
            children = list(child.iterfind(f"{qn('w:sdtContent')}/*"))
        else:
            children = [child]
        for node in children:
            if node.tag == qn("w:tbl"):
                if not any(p in skip for p in node.iter(qn("w:p"))):
                    current.extend(_table_lines(node))
                continue
            if node.tag != qn("w:p") or node in skip:
                continue
            text = _paragraph_text(node)
            if not text:
                continue
            level = _level(node, levels)
            if level == 1:
                result.sections.append(OutlineSection(text))
                current = result.sections[-1].lines
            elif level:
                current.append(f"{'#' * min(level + 1, 6)} {text}")
            else:
                current.append(text)
    return result


@cached_by_content(maxsize=32)
def outline_of_bytes(data: bytes) -> Outline:
    """Return the outline of an (already validated) .docx file, cached by content."""
    return outline_of(docx.Document(io.BytesIO(data)))
