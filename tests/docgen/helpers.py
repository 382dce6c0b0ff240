"""Helpers for the docgen tests: read generated files back with python-docx."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

TEMPLATES = Path(__file__).resolve().parents[2] / "document_templates"


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def all_body_text(document) -> str:
    """Every paragraph of the body, including tables and content controls."""
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))
    )


def story_xml(document, kind: str = "header") -> str:
    """The XML of every header (or footer) of the first section."""
    section = document.sections[0]
    story = section.header if kind == "header" else section.footer
    return story._element.xml


def story_text(document, kind: str = "header") -> str:
    section = document.sections[0]
    story = section.header if kind == "header" else section.footer
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in story._element.iter(qn("w:p")))


def tables_in(document) -> list:
    """Every top-level table of the body, including those inside content controls."""
    from docx.table import Table

    return [Table(tbl, document._body) for tbl in document.element.body.iter(qn("w:tbl"))]


def zip_bytes(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_part(data: bytes, name: str, transform) -> bytes:
    """Return the .docx ``data`` with part ``name`` rewritten by ``transform(bytes) -> bytes``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {item.filename: source.read(item) for item in source.infolist()}
    entries[name] = transform(entries[name])
    return zip_bytes(entries)
