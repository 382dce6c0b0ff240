"""Render a docxtpl template with a context of plain values, safely.

The template runs in the sandbox (see ``sandbox.py``) under a time limit. Besides the
plain values, the template sees three kinds of rendered objects: ``s.body`` (the
section's Word paragraphs), ``logo`` and ``qr`` (images). Templates can print them but
not look inside them: the sandbox refuses attribute access on anything that is not a
plain value.
"""
from __future__ import annotations

import io
import json
import secrets
import zipfile

import docx
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError
from jinja2.sandbox import SecurityError

from qms.docgen.chart_image import attach

from qms.docgen import layout, sandbox
from qms.docgen.context import canonical_json
from qms.docgen.fragment import Placeholder, swap_placeholders
from qms.docgen.markdown_word import WordWriter
from qms.docgen.numbering import ListNumbering
from qms.docgen.qr import qr_png
from qms.docgen.styles import StyleMap
from qms.errors import ServiceError

LOGO_HEIGHT_CM = 1.3
QR_HEIGHT_CM = layout.QR_HEIGHT_CM


class TemplateRenderError(ServiceError):
    """The template could not be rendered (syntax, forbidden access, time limit...)."""


def _load(template_bytes: bytes) -> DocxTemplate:
    try:
        template = DocxTemplate(io.BytesIO(template_bytes))
        template.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateRenderError(f"La plantilla no es un documento Word válido ({exc}).") from exc
    return template


#: Width of a chart picture in a report (the text width of an A4 page with its margins).
CHART_WIDTH_CM = 16


def plain_copy(context: dict) -> dict:
    """Return a copy of ``context`` made only of JSON values; refuse anything else.

    Passing through JSON guarantees that no ORM object (or anything with methods a
    template could call) reaches the template.
    """
    try:
        return json.loads(canonical_json(context))
    except TypeError as exc:
        raise TypeError(f"a template context holds only plain values: {exc}") from None


def _image(template: DocxTemplate, data: bytes | None, height_cm: float):
    """Return an InlineImage for ``data``, or "" so that ``{{ logo }}`` prints nothing."""
    return InlineImage(template, io.BytesIO(data), height=Cm(height_cm)) if data else ""


def _run(template: DocxTemplate, variables: dict, time_limit: float) -> docx.document.Document:
    environment = sandbox.make_environment()
    try:
        with sandbox.time_limit(time_limit):
            template.render(variables, jinja_env=environment, autoescape=True)
    except sandbox.RenderTimeout as exc:
        raise TemplateRenderError("La plantilla tardó demasiado en generarse y se detuvo.") from exc
    except SecurityError as exc:
        raise TemplateRenderError(f"La plantilla intentó una operación no permitida: {exc}") from exc
    except TemplateError as exc:
        raise TemplateRenderError(f"La plantilla tiene un error: {exc}") from exc
    _resync_relationships(template.docx.part)
    return template.docx


def _resync_relationships(part) -> None:
    """Point python-docx's rId lookup at the header and footer parts docxtpl re-created.

    docxtpl swaps each rendered header/footer in by changing the relationship's target,
    but python-docx also keeps an rId -> part dict that still names the old parts, so
    later edits (the BORRADOR mark) would go to parts that are no longer saved.
    """
    rels = part.rels
    for rel_id, rel in rels.items():
        if not rel.is_external:
            rels._target_parts_by_rId[rel_id] = rel._target


def section_bodies(template: DocxTemplate, sections: list[dict], nonce: str) -> list[dict]:
    """Return the sections with ``body``: their Markdown as Word blocks (behind a placeholder)."""
    part = template.docx.part
    styles, numbering = StyleMap(part), ListNumbering(part)
    rendered = []
    for index, section in enumerate(sections):
        writer = WordWriter(styles, numbering, section["number"], section["level"], part=part)
        body = Placeholder(nonce, index, writer.elements(section.get("markdown", "")))
        rendered.append({**section, "body": body})
    return rendered


def render_document(
    template_bytes: bytes,
    context: dict,
    logo: bytes | None = None,
    paper: str | None = None,
    time_limit: float = sandbox.DEFAULT_TIME_LIMIT,
):
    """Render a controlled-document template; return the python-docx Document.

    ``context`` has the controlled-document shape ``context.py`` documents; ``paper``
    ("a4" or "letter") resizes the pages, None keeps the template's own page setup.
    """
    template = _load(template_bytes)
    variables = plain_copy(context)
    nonce = secrets.token_hex(8)
    variables["sections"] = section_bodies(template, variables.get("sections", []), nonce)
    variables["logo"] = _image(template, logo, LOGO_HEIGHT_CM)
    url = variables.get("verification", {}).get("url", "")
    variables["qr"] = _image(template, qr_png(url), QR_HEIGHT_CM) if url else ""
    document = _run(template, variables, time_limit)
    swap_placeholders(document.element.body, [s["body"] for s in variables["sections"]])
    if paper:
        layout.page_setup(document, paper)
    return document


def render_plain(
    template_bytes: bytes, context: dict, logo: bytes | None = None, time_limit: float = sandbox.DEFAULT_TIME_LIMIT
):
    """Render a report template with plain values (and the logo); return the Document."""
    template = _load(template_bytes)
    variables = plain_copy(context)
    variables["logo"] = _image(template, logo, LOGO_HEIGHT_CM)
    # Charts (dicts with a ``chart`` spec) become pictures 16 cm wide.
    attach(variables, lambda png: InlineImage(template, io.BytesIO(png), width=Cm(CHART_WIDTH_CM)))
    return _run(template, variables, time_limit)


def from_bytes(data: bytes):
    """Open a Word file's bytes as a python-docx Document."""
    return docx.Document(io.BytesIO(data))


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
