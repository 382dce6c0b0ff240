"""Generate the Word files of controlled documents and reports.

The documents service calls three hooks: ``generate_official_copy`` on approval (the
file is generated once and stored), ``generate_obsolete_copy`` when a version is
superseded, and ``render_draft`` for versions not approved yet. ``render_report`` fills
the report templates for the audit, CAPA and nonconformity modules.
"""
from __future__ import annotations

import io

import docx
from flask import current_app, url_for

from qms.docgen import institution as institution_source
from qms.docgen import render, stamp, templates
from qms.docgen.context import data_sha256, version_context
from qms.docgen.institution import InstitutionInfo
from qms.docgen.qr import qr_png
from qms.errors import ServiceError
from qms.storage import store

#: Mark printed on every page of a copy that is not the official one, by state.
MARKS = {"obsolete": "OBSOLETO", "withdrawn": "ANULADO"}
DRAFT_MARK = "BORRADOR"


def institution() -> InstitutionInfo:
    """Return the institution generated files name (plain values from the app's provider)."""
    return institution_source.current()


def institution_logo(inst) -> bytes | None:
    """Return the logo's bytes of a value ``institution()`` returned (None: no logo)."""
    return getattr(inst, "logo_bytes", None)


def verification_url(code: str) -> str:
    """Return the absolute address of a copy's verification page."""
    base = current_app.config.get("BASE_URL", "")
    if base:
        return f"{base.rstrip('/')}/verificar/{code}"
    try:
        return url_for("docgen.verify", verification_code=code, _external=True)
    except RuntimeError:
        # No request and no SERVER_NAME (a CLI run without QMS_BASE_URL).
        return f"/verificar/{code}"


def build_context(version) -> dict:
    """Return the plain-value context of ``version`` (what the data hash covers)."""
    context = version_context(version, institution(), verification_url(version.verification_code))
    if version.authoring_mode == "word" and version.source_sha256:
        context["source_sha256"] = version.source_sha256
    return context


def _paper() -> str | None:
    return current_app.config.get("DOCGEN_PAPER") or None


def render_version(version):
    """Render ``version`` without any mark; return (python-docx Document, template label, context).

    Browser-authored versions fill the type's template; Word-authored versions get
    the controlled parts stamped into the uploaded file.
    """
    context = build_context(version)
    inst = institution()
    logo = institution_logo(inst)
    if version.authoring_mode == "word" and version.source_sha256:
        document = docx.Document(io.BytesIO(_read_source(version.source_sha256)))
        url = context["verification"]["url"]
        stamp.stamp_controlled_parts(document, context, logo, qr_png(url))
        return document, f"word:{version.source_sha256}", context
    template, template_bytes = templates.active(templates.template_for_type(version.document.type))
    document = render.render_document(template_bytes, context, logo=logo, paper=_paper())
    return document, template.label, context


def _read_source(sha256: str) -> bytes:
    try:
        return store.read(sha256)
    except store.StorageError as exc:
        raise ServiceError(
            "El archivo Word de este borrador no coincide con el que se subió; súbalo de nuevo antes de continuar."
        ) from exc


def generate_official_copy(version) -> None:
    """Generate and store the approved file; record its hash, template and data hash."""
    document, label, context = render_version(version)
    stored = store.put(render.to_bytes(document), templates.DOCX_TYPE)
    version.output_sha256 = stored.sha256
    version.output_template = label
    version.output_data_sha256 = data_sha256(context)


def generate_obsolete_copy(version) -> None:
    """Store a copy of the official file marked OBSOLETO on every page."""
    if version.output_sha256:
        document = docx.Document(io.BytesIO(store.read(version.output_sha256)))
    else:
        # Approved before files were generated (imported data): render it now.
        document, _label, _context = render_version(version)
    stamp.add_mark(document, MARKS["obsolete"])
    stored = store.put(render.to_bytes(document), templates.DOCX_TYPE)
    version.obsolete_output_sha256 = stored.sha256


def render_draft(version) -> bytes:
    """Render a version that has no official file yet, marked BORRADOR (ANULADO if withdrawn)."""
    document, _label, _context = render_version(version)
    stamp.add_mark(document, MARKS.get(version.state, DRAFT_MARK))
    return render.to_bytes(document)


def render_report_versioned(template_name: str, context: dict) -> tuple[bytes, str, str]:
    """Render a report; return (bytes, template label, data hash) for the caller to record."""
    template, template_bytes = templates.active(templates.normalise(template_name))
    document = render.render_plain(template_bytes, context, logo=institution_logo(institution()))
    return render.to_bytes(document), template.label, data_sha256(context)


def render_report(template_name: str, context: dict) -> bytes:
    """Render report template ``template_name`` with ``context`` (plain values only)."""
    return render_report_versioned(template_name, context)[0]
