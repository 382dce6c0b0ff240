"""Fill Word templates and stamp Word files with plain-value contexts.

Reports: ``render_report`` (and ``render_report_versioned``) fill the report templates
for the audit, CAPA and nonconformity modules. Controlled documents:
``render_controlled`` fills a document template and ``stamp_word_file`` stamps a file
authored in Word; the documents module builds their contexts and decides the marks.
Every render names the institution from the installed provider (``institution()``).
"""
from __future__ import annotations

from flask import current_app

from qms.docgen import institution as institution_source
from qms.docgen import render, stamp, templates, uncontrolled
from qms.docgen.context import data_sha256
from qms.docgen.institution import InstitutionInfo
from qms.docgen.qr import qr_png
from qms.storage import store


def institution() -> InstitutionInfo:
    """Return the institution generated files name (plain values from the app's provider)."""
    return institution_source.current()


def institution_logo(inst) -> bytes | None:
    """Return the logo's bytes of a value ``institution()`` returned (None: no logo)."""
    return getattr(inst, "logo_bytes", None)


def _paper() -> str | None:
    return current_app.config.get("DOCGEN_PAPER") or None


def render_controlled(template_name: str | None, context: dict, inst: InstitutionInfo | None = None):
    """Fill document template ``template_name`` with ``context``; return (Document, template label).

    A name that is empty or unknown renders with the fallback template. ``inst`` is
    the ``institution()`` the caller already read for the context (None: read it now).
    """
    template, template_bytes = templates.active(templates.resolve(template_name))
    logo = (inst or institution()).logo_bytes
    document = render.render_document(template_bytes, context, logo=logo, paper=_paper())
    return document, template.label


def stamp_word_file(data: bytes, context: dict, inst: InstitutionInfo | None = None):
    """Open a file authored in Word and stamp its controlled parts from ``context``; return it.

    The header, footer, approval block and change table come from ``context`` (and
    the QR code from its verification URL); the file's own text stays as it was.
    """
    document = render.from_bytes(data)
    # Comments and links outside the package never reach a copy (tracked changes are
    # refused before submission: accepting them is the author's call).
    uncontrolled.strip(document)
    qr = qr_png(context["verification"]["url"])
    stamp.stamp_controlled_parts(document, context, (inst or institution()).logo_bytes, qr)
    return document


def store_document(document) -> str:
    """Store a generated Word file in the file store; return its hash."""
    return store.put(render.to_bytes(document), templates.DOCX_TYPE).sha256


def render_report_versioned(template_name: str, context: dict) -> tuple[bytes, str, str]:
    """Render a report; return (bytes, template label, data hash) for the caller to record."""
    template, template_bytes = templates.active(templates.normalise(template_name))
    document = render.render_plain(template_bytes, context, logo=institution().logo_bytes)
    return render.to_bytes(document), template.label, data_sha256(context)


def render_report(template_name: str, context: dict) -> bytes:
    """Render report template ``template_name`` with ``context`` (plain values only)."""
    return render_report_versioned(template_name, context)[0]


def set_properties(document, props) -> None:
    """Give a generated file exactly the properties ``props`` names (``properties.Properties``)."""
    from qms.docgen import properties

    properties.apply(document, props)
