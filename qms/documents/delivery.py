"""Hand Word files to people, and take Word files back from them.

Approved, effective and obsolete versions are served as the exact bytes stored when
they were generated, verified on read. Drafts are rendered on demand. Every download
is written to the audit trail, and so is a download that failed verification.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from qms.docgen import templates
from qms.docgen.text import text_of_upload
from qms.documents import service as documents
from qms.documents import word
from qms.documents.access import can_edit_version, can_view_version
from qms.errors import NotFound, PermissionDenied, ServiceError
from qms.storage import store
from qms.trail import service as trail

#: States whose file was generated once and is served as stored.
STORED_STATES = frozenset({"approved", "effective", "obsolete"})


class DownloadFailed(ServiceError):
    """The stored file is missing or altered; nothing was served."""

    status_code = 500


@dataclass
class Download:
    data: bytes
    filename: str
    #: official / obsolete / draft / edit
    kind: str


def _label(version) -> str:
    return f"{version.document.code} {version.label}"


def _filename(version, suffix: str = "") -> str:
    # A version imported as PDF is served as its original PDF.
    extension = "pdf" if version.authoring_mode == "pdf" else "docx"
    return f"{version.document.code}_v{version.number:02d}{suffix}.{extension}"


def stored_sha(version) -> str | None:
    """Return the hash of the file a locked version is served as."""
    if version.state == "obsolete":
        return version.obsolete_output_sha256
    return version.output_sha256


def download_version(actor, version) -> Download:
    """Return the file of ``version`` for ``actor`` and write the trail entry."""
    if not can_view_version(actor, version):
        raise NotFound()
    return deliver(actor, version)


def deliver(actor, version) -> Download:
    """Return the file of ``version`` and write the trail entry, without access checks.

    For the command line (``actor`` None: the system); views use ``download_version``.
    """
    if version.state in STORED_STATES:
        download = _stored(actor, version)
    else:
        download = Download(word.render_draft(version), _filename(version, "_borrador"), "draft")
    trail.record(actor, "version.downloaded", "document_version", version.id, _label(version),
                 {"kind": download.kind, "sha256": store.sha256_of(download.data)})
    return download


def _stored(actor, version) -> Download:
    sha = stored_sha(version)
    kind = "obsolete" if version.state == "obsolete" else "official"
    try:
        if not sha:
            raise store.StorageError("la versión no tiene archivo generado")
        data = store.read(sha)
    except store.StorageError as exc:
        trail.record(actor, "version.download_failed", "document_version", version.id, _label(version),
                     {"kind": kind, "sha256": sha, "error": str(exc)})
        raise DownloadFailed(
            "El archivo de esta versión no se puede entregar: no coincide con el registrado al aprobarla. "
            "El incidente quedó en la bitácora; avise al Encargado(a) de Calidad."
        ) from exc
    return Download(data, _filename(version, "_obsoleto" if kind == "obsolete" else ""), kind)


def download_pdf(actor, version) -> Download:
    """Return the PDF copy of ``version`` for ``actor`` (raise ``pdf.PdfUnavailable`` without LibreOffice)."""
    if not can_view_version(actor, version):
        raise NotFound()
    return deliver_pdf(actor, version)


def deliver_pdf(actor, version) -> Download:
    """Return the PDF of the copy ``deliver`` would hand out: the same file, the same marks.

    A stored copy's PDF is converted once and kept (``qms.docgen.pdf``); a draft's is
    converted from its BORRADOR render each time. A version imported as PDF is its original.
    """
    from qms.docgen import pdf

    if version.state in STORED_STATES:
        word_copy = _stored(actor, version)
        if version.authoring_mode == "pdf":
            data = word_copy.data
        else:
            data = store.read(pdf.pdf_of_stored(store.sha256_of(word_copy.data)))
        kind = f"pdf_{word_copy.kind}"
        filename = word_copy.filename.rsplit(".", 1)[0] + ".pdf"
    else:
        data, kind = pdf.convert(word.render_draft(version)), "pdf_draft"
        filename = _filename(version, "_borrador").rsplit(".", 1)[0] + ".pdf"
    trail.record(actor, "version.downloaded", "document_version", version.id, _label(version),
                 {"kind": kind, "sha256": store.sha256_of(data)})
    return Download(data, filename, kind)


def edit_copy(actor, version) -> Download:
    """Return the draft as a Word file to edit: its own upload, or the template pre-filled."""
    if not can_view_version(actor, version):
        raise NotFound()
    if not can_edit_version(actor, version):
        raise PermissionDenied("Solo se puede editar en Word un borrador que usted pueda modificar.")
    if version.authoring_mode == "word" and version.source_sha256:
        data = store.read(version.source_sha256)
    else:
        data = word.render_marked(version, word.DRAFT_MARK)
    trail.record(actor, "version.downloaded", "document_version", version.id, _label(version),
                 {"kind": "edit", "sha256": store.sha256_of(data)})
    return Download(data, _filename(version, "_edicion"), "edit")


def upload_word_source(actor, version, data: bytes, expected_lock_version: int | None):
    """Make an uploaded Word file the draft's content (checked, stored, text extracted).

    Returns how the file's headings match the type's sections, for the page to show.
    """
    from qms.documents.word_sections import match_file

    if not can_view_version(actor, version):
        raise NotFound()
    if not can_edit_version(actor, version):
        raise PermissionDenied("Solo se puede subir un archivo Word a un borrador que usted pueda modificar.")
    text = text_of_upload(data, current_app.config["MAX_UPLOAD_MB"])
    stored = store.put(data, templates.DOCX_TYPE)
    documents.attach_word_source(actor, version, stored.sha256, text, expected_lock_version)
    return match_file(version.document.type.sections, data)
