"""Extract the text of a Word file for search and compare."""
from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from qms.docgen import uploads
from qms.docgen.stamp import CONTROL_TAG


def _in_control_block(paragraph) -> bool:
    """Return whether the paragraph sits in the stamped block (title, approval, changes)."""
    for ancestor in paragraph.iterancestors(qn("w:sdt")):
        tag = ancestor.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        if tag is not None and tag.get(qn("w:val")) == CONTROL_TAG:
            return True
    return False


def body_text(document) -> str:
    """Return the body's paragraphs (tables included) as lines, skipping the controlled block."""
    lines = []
    for paragraph in document.element.body.iter(qn("w:p")):
        if _in_control_block(paragraph):
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
