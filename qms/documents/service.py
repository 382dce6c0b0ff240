"""Operations on controlled documents: the only place that changes them.

Each function takes the acting user, checks permission and state, changes the objects,
writes the audit trail and queues search indexing. It flushes but never commits: the
request (or CLI command) commits once, or rolls back.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa

from qms import search
from qms.core import permissions as P
from qms.documents import access, control, numbering
from qms.documents.common import SEARCH_KIND, lock_document, lock_document_version, require, version_label
from qms.documents.content import clean_sections
from qms.documents.edit_changes import draft_changes
from qms.documents.models import (
    EDITABLE_STATES,
    LOCKED_STATES,
    DistributionEntry,
    Document,
    DocumentType,
    DocumentVersion,
)
from qms.errors import ConflictError, NotFound, ServiceError
from qms.extensions import db
from qms.timeutil import now_utc
from qms.trail import service as trail
from qms.validation import clean_title
# The transitions live in their own module; re-exported as part of the service.
from qms.documents.transitions import apply_transition, tick  # noqa: F401

def new_verification_code() -> str:
    """Return a short, unambiguous code printed on every copy (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        if db.session.scalar(sa.select(DocumentVersion.id).where(DocumentVersion.verification_code == code)) is None:
            return code


def get_document(code: str) -> Document:
    document = db.session.scalar(sa.select(Document).where(Document.code == code))
    if document is None:
        raise NotFound("No existe un documento con ese código.")
    return document


def get_version(code: str, number: int) -> DocumentVersion:
    version = db.session.scalar(
        sa.select(DocumentVersion).join(Document).where(Document.code == code, DocumentVersion.number == number)
    )
    if version is None:
        raise NotFound("No existe esa versión del documento.")
    return version


def create_document(actor, *, doc_type: DocumentType, process, title: str, owner=None, regions=(), sections=None) -> Document:
    """Register a new document with its first draft (Versión 01)."""
    require(actor, P.DOCUMENT_DRAFT)
    if not doc_type.is_active:
        raise ServiceError("Ese tipo de documento no está activo.", field="type_id")
    if not process.is_active:
        raise ServiceError("Ese proceso no está activo.", field="process_id")
    title = clean_title(title)
    code = numbering.next_code(doc_type.code_pattern, doc_type.code, process.code)
    document = Document(
        code=code, title=title, type=doc_type, process=process,
        owner_id=(owner or actor).id, created_by_id=actor.id, regions=list(regions),
    )
    db.session.add(document)
    control.apply_defaults(document)
    version = DocumentVersion(
        document=document, number=1, state="draft", title=title,
        sections=clean_sections(doc_type.sections, sections or {}),
        change_description="Creación del documento.",
        verification_code=new_verification_code(),
        created_by_id=actor.id, updated_by_id=actor.id,
    )
    db.session.add(version)
    db.session.flush()
    trail.record(actor, "document.created", "document", document.id, code,
                 {"title": title, "type": doc_type.code, "process": process.code,
                  "regions": [r.code for r in regions]})
    trail.record(actor, "version.created", "document_version", version.id, version_label(version), {"number": 1})
    search.queue_index(SEARCH_KIND, version.id)
    return document


def _content_snapshot(version: DocumentVersion) -> dict:
    """Return what a save may change, compared before and after it (``edit_changes``)."""
    return {"title": version.title, "change_description": version.change_description,
            "references": [d.code for d in version.references],
            "record_types": [t.code for t in version.record_types],
            "sections": dict(version.sections or {})}


def check_can_write(actor, version: DocumentVersion) -> None:
    """Refuse unless ``actor`` may put content into the draft now (state and authorship)."""
    _check_editable(actor, version, None)


def _check_editable(actor, version: DocumentVersion, expected_lock_version: int | None) -> None:
    require(actor, P.DOCUMENT_DRAFT)
    lock_document_version(version)  # the state and counter checked below are the committed ones
    refusal = access.why_not_editable(actor, version)
    if refusal:
        raise ServiceError(refusal)
    if expected_lock_version is not None and version.lock_version != expected_lock_version:
        raise ConflictError(
            "Otra persona guardó esta versión mientras usted la editaba. Su texto no se guardó: "
            "revise la versión actual más abajo y vuelva a aplicar sus cambios."
        )


def refuse_if_not_author(actor, version: DocumentVersion) -> None:
    """Refuse a change to a draft by someone who is not one of its authors."""
    if not access.is_author(actor, version):
        raise ServiceError(access.why_not_editable(actor, version))


def _note_contributor(actor, version: DocumentVersion) -> None:
    """Remember that ``actor`` put content into the version: the authors are its «Elaboró»."""
    if actor is not None and all(u.id != actor.id for u in version.contributors):
        version.contributors.append(actor)


def set_coauthors(actor, version: DocumentVersion, users) -> DocumentVersion:
    """Replace the co-authors of an open version (the quality committee decides who writes)."""
    require(actor, P.DOCUMENT_MANAGE)
    if version.state not in EDITABLE_STATES:
        raise ServiceError(f"La versión está «{version.state_label}»: ya no se le agregan autores.")
    users = [u for u in users if u.id != version.created_by_id and u.can(P.DOCUMENT_DRAFT)]
    before = sorted(u.username for u in version.coauthors)
    version.coauthors = users
    db.session.flush()
    after = sorted(u.username for u in version.coauthors)
    if before != after:
        trail.record(actor, "document.coauthors", "document_version", version.id, version_label(version),
                     {"coauthors": [before, after]})
    return version


def save_draft(actor, version: DocumentVersion, *, title: str, sections: dict | None, change_description: str,
               references=(), record_types=None, expected_lock_version: int | None = None) -> DocumentVersion:
    """Save the draft's content, refusing a save based on an outdated copy.

    ``sections`` None keeps them as they are: a draft authored in Word has its file as
    content, so only its title, description and links are saved, and sections sent for it
    are refused rather than silently dropped.
    """
    _check_editable(actor, version, expected_lock_version)
    if version.authoring_mode == "word" and sections is not None:
        raise ServiceError("Este borrador se redacta en Word: su contenido es el archivo subido. Suba una nueva versión "
                           "del archivo, o vuelva a la redacción por secciones antes de editar el texto aquí.")
    title = clean_title(title)
    references = [d for d in references if d.id != version.document_id]
    before = _content_snapshot(version)
    version.title = title
    if sections is not None:
        version.sections = clean_sections(version.document.type.sections, sections)
    version.change_description = (change_description or "").strip()
    version.references = list(references)
    if record_types is not None:
        version.record_types = list(record_types)
    version.updated_at = now_utc()
    version.updated_by_id = actor.id
    if not _ever_in_force(version.document):
        # Until a version is in force the draft's title is the document's; after that the
        # register, traceability and exports keep the title in force (see make_effective).
        version.document.title = title
    details = draft_changes(version.document.type.sections, before, _content_snapshot(version))
    if details:
        _note_contributor(actor, version)
    db.session.flush()
    trail.record(actor, "version.edited", "document_version", version.id, version_label(version), details)
    search.queue_index(SEARCH_KIND, version.id)
    return version


def _ever_in_force(document: Document) -> bool:
    """Return whether staff can already read a version of ``document`` (effective or obsolete)."""
    return any(v.state in ("effective", "obsolete") for v in document.versions)


def attach_word_source(actor, version: DocumentVersion, sha256: str, text: str,
                       expected_lock_version: int | None = None) -> DocumentVersion:
    """Make an uploaded Word file (already validated and stored) the draft's content."""
    _check_editable(actor, version, expected_lock_version)
    before = {"authoring_mode": version.authoring_mode, "source_sha256": version.source_sha256}
    version.authoring_mode = "word"
    version.source_sha256 = sha256
    version.source_text = text or ""
    version.updated_at = now_utc()
    version.updated_by_id = actor.id
    _note_contributor(actor, version)
    db.session.flush()
    trail.record(actor, "version.word_uploaded", "document_version", version.id, version_label(version),
                 trail.changes(before, {"authoring_mode": "word", "source_sha256": sha256}))
    search.queue_index(SEARCH_KIND, version.id)
    return version


def switch_to_browser(actor, version: DocumentVersion, expected_lock_version: int | None = None):
    """Go back to authoring by sections, with the Word file's text copied into them.

    The text under each heading that matches a section goes to that section; other
    headings become sub-headings of the section they follow. Refused when the file has
    none of the type's headings (its text would have nowhere to go). The uploaded file
    stays in the store and the trail. Returns the match, for the page to warn about.
    """
    from qms.documents import word_sections

    _check_editable(actor, version, expected_lock_version)
    if version.authoring_mode != "word":
        raise ServiceError("Este borrador ya se redacta por secciones.")
    found = word_sections.match_version(version)
    if found is None or not found.found:
        raise ServiceError("El archivo Word no tiene ninguno de los títulos de las secciones de este tipo de documento, "
                           "así que su texto no puede pasarse a las secciones. Agregue los títulos en Word (por ejemplo "
                           "«1. Objetivo», con estilo Título 1) y súbalo de nuevo.")
    schema = version.document.type.sections
    before = {"authoring_mode": "word", "source_sha256": version.source_sha256}
    version.sections = clean_sections(schema, word_sections.sections_from_word(schema, found))
    version.authoring_mode = "browser"
    version.source_sha256 = None
    version.source_text = ""
    version.updated_at = now_utc()
    version.updated_by_id = actor.id
    _note_contributor(actor, version)
    db.session.flush()
    trail.record(actor, "version.browser_mode", "document_version", version.id, version_label(version),
                 {**trail.changes(before, {"authoring_mode": "browser", "source_sha256": None}),
                  "sections_from_word": [s["key"] for s in found.found],
                  "other_headings": [heading for heading, _text in found.extra]})
    search.queue_index(SEARCH_KIND, version.id)
    return found


def open_version(document: Document) -> DocumentVersion | None:
    """Return the version still in preparation (draft to approved), if any."""
    return next((v for v in document.versions if v.state not in LOCKED_STATES), None)


def start_revision(actor, document: Document) -> DocumentVersion:
    """Start the next version as a copy of the effective content (or the latest version)."""
    require(actor, P.DOCUMENT_DRAFT)
    lock_document(document)  # the versions below are all that exist: none starts meanwhile
    pending = open_version(document) or next((v for v in document.versions if v.state == "approved"), None)
    if pending is not None:
        raise ServiceError(
            f"Ya hay una versión en preparación ({pending.label}, {pending.state_label}); termínela o anúlela primero."
        )
    source = document.effective_version or document.latest_version
    number = max(v.number for v in document.versions) + 1
    references, record_types = list(source.references), list(source.record_types)
    # A version imported as PDF cannot be edited: its revision starts by sections (or a Word upload).
    from_pdf = source.authoring_mode == "pdf"
    version = DocumentVersion(
        document=document, number=number, state="draft", title=source.title,
        sections=dict(source.sections or {}), authoring_mode="browser" if from_pdf else source.authoring_mode,
        source_sha256=None if from_pdf else source.source_sha256, source_text="" if from_pdf else source.source_text,
        change_description="", verification_code=new_verification_code(),
        created_by_id=actor.id, updated_by_id=actor.id,
    )
    db.session.add(version)
    version.references = references
    version.record_types = record_types
    db.session.flush()
    trail.record(actor, "version.created", "document_version", version.id, version_label(version),
                 {"number": number, "copied_from": source.number})
    search.queue_index(SEARCH_KIND, version.id)
    return version


def update_document(actor, document: Document, *, owner, regions) -> Document:
    """Change the document's owner and regional scope (its code never changes)."""
    require(actor, P.DOCUMENT_MANAGE)
    lock_document(document)
    before = {"owner": document.owner_id, "regions": sorted(r.code for r in document.regions)}
    document.owner_id = owner.id if owner else None
    document.regions = list(regions)
    db.session.flush()
    after = {"owner": document.owner_id, "regions": sorted(r.code for r in document.regions)}
    if before != after:
        trail.record(actor, "document.updated", "document", document.id, document.code, trail.changes(before, after))
    for version in document.versions:
        search.queue_index(SEARCH_KIND, version.id)
    return document


def set_distribution(actor, document: Document, *, roles=(), units=()) -> Document:
    """Replace the list of roles and units that must acknowledge the effective version."""
    require(actor, P.DOCUMENT_MANAGE)
    lock_document(document)  # replaces the entries as committed, not as read earlier
    before = sorted(e.label for e in document.distribution)
    document.distribution = [DistributionEntry(role=r) for r in roles] + [DistributionEntry(unit=u) for u in units]
    db.session.flush()
    after = sorted(e.label for e in document.distribution)
    if before != after:
        trail.record(actor, "document.distribution", "document", document.id, document.code,
                     {"distribution": [before, after]})
    return document
