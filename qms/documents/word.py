"""The Word files of document versions: official, obsolete and draft copies.

The documents service calls ``generate_official_copy`` on approval (the file is
generated once and stored) and ``generate_obsolete_copy`` when a version is superseded;
``render_draft`` serves versions not approved yet. The engine (``qms.docgen``) renders
and stamps; this module decides what a version's copy carries.
"""
from __future__ import annotations

from flask import current_app, url_for

from qms.docgen import render, stamp
from qms.docgen import service as docgen
from qms.docgen.context import data_sha256
from qms.docgen.properties import Properties
from qms.documents.word_context import author_names, version_context
from qms.errors import ServiceError
from qms.storage import store

#: Mark printed on every page of a copy that is not the official one, by state.
MARKS = {"obsolete": "OBSOLETO", "withdrawn": "ANULADO"}
DRAFT_MARK = "BORRADOR"
#: Printed address outside any request when QMS_BASE_URL is not set.
LOCAL_BASE_URL = "http://127.0.0.1:5000"


def verification_url(code: str) -> str:
    """Return the absolute address of a copy's verification page."""
    base = current_app.config.get("BASE_URL", "")
    if base:
        return f"{base.rstrip('/')}/verificar/{code}"
    try:
        # In a request, the address the person asked on (a copy downloaded from the intranet
        # leads back to it); outside one, SERVER_NAME when it is set.
        return url_for("word.verify", verification_code=code, _external=True)
    except RuntimeError:
        # No request and no SERVER_NAME (a CLI run, the demo loader, without QMS_BASE_URL):
        # the address of a local server, as ``flask run`` serves it.
        return f"{LOCAL_BASE_URL}/verificar/{code}"


def _is_word_authored(version) -> bool:
    return version.authoring_mode == "word" and bool(version.source_sha256)


def build_context(version, inst=None) -> dict:
    """Return the plain-value context of ``version`` (what the data hash covers)."""
    context = version_context(version, inst or docgen.institution(), verification_url(version.verification_code))
    if _is_word_authored(version):
        context["source_sha256"] = version.source_sha256
    return context


def render_version(version):
    """Render ``version`` without any mark; return (python-docx Document, template label, context).

    Browser-authored versions fill the type's template; Word-authored versions get
    the controlled parts stamped into the uploaded file.
    """
    inst = docgen.institution()
    context = build_context(version, inst)
    if _is_word_authored(version):
        document = docgen.stamp_word_file(_read_source(version.source_sha256), context, inst)
        label = f"word:{version.source_sha256}"
    else:
        document, label = docgen.render_controlled(version.document.type.template_name, context, inst)
    docgen.set_properties(document, properties_of(version))
    return document, label, context


def properties_of(version) -> Properties:
    """Return the file properties of ``version``: its controlled data, nobody's personal ones."""
    document = version.document
    approved = version.signature("approved")
    return Properties(
        title=version.title,
        subject=document.code,
        author=", ".join(author_names(version)),
        created=version.created_at,
        modified=approved.signed_at if approved is not None else version.updated_at,
        version=f"{version.number:02d}",
        keywords=f"{document.code} {version.label} {document.type.name}",
        category=document.type.name,
    )


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
    version.output_sha256 = docgen.store_document(document)
    version.output_template = label
    version.output_data_sha256 = data_sha256(context)


def generate_obsolete_copy(version) -> None:
    """Store a copy of the official file marked OBSOLETO on every page."""
    if version.output_sha256:
        document = render.from_bytes(store.read(version.output_sha256))
    else:
        # Approved before files were generated (imported data): render it now.
        document, _label, _context = render_version(version)
    stamp.add_mark(document, MARKS["obsolete"])
    version.obsolete_output_sha256 = docgen.store_document(document)


def render_marked(version, mark: str) -> bytes:
    """Render ``version`` with ``mark`` on every page; return the file's bytes."""
    document, _label, _context = render_version(version)
    stamp.add_mark(document, mark)
    return render.to_bytes(document)


def render_draft(version) -> bytes:
    """Render a version that has no official file yet, marked BORRADOR (ANULADO if withdrawn)."""
    return render_marked(version, MARKS.get(version.state, DRAFT_MARK))
