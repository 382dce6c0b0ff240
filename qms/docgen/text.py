"""Extract the text of a Word file for search and compare."""
from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from qms.docgen import uploads
from qms.docgen.stamp import CONTROL_TAG


def control_paragraphs(body) -> set:
    """Return the paragraphs inside the stamped block (found once: asking each paragraph
    for its ancestors costs seconds on a long document)."""
    inside = set()
    for sdt in body.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        if tag is not None and tag.get(qn("w:val")) == CONTROL_TAG:
            inside.update(sdt.iter(qn("w:p")))
    return inside


def body_text(document) -> str:
    """Return the body's paragraphs (tables included) as lines, skipping the controlled block."""
    lines = []
    skip = control_paragraphs(document.element.body)
    for paragraph in document.element.body.iter(qn("w:p")):
        if paragraph in skip:
            continue
        pieces = (node.text or "" if node.tag == qn("w:t") else " " for node in paragraph.iter(qn("w:t"), qn("w:tab")))
        lines.append("".join(pieces).strip())
    return "\n".join(line for line in lines if line)


def extract_text(data: bytes) -> str:
    """Return the text of an (already validated) .docx file."""
    return body_text(docx.Document(io.BytesIO(data)))


def text_of_upload(data: bytes, max_mb: int) -> str:
    """Check an uploaded .docx and return its text; raise UploadRejected when it is refused."""
    uploads.validate_upload(data, max_mb, ("docx",))
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise uploads.UploadRejected("El documento Word no se pudo abrir; guárdelo de nuevo en Word e intente otra vez.") from exc
    return body_text(document)
