"""Operations on records and the retention table: the only place that changes them.

Each function takes the acting user (None for the system), checks permission and
state, changes the objects, writes the audit trail and queues search indexing. It
flushes but never commits: the request (or CLI command) commits once, or rolls back.

Other modules use ``register_produced_record`` (their reports become records) and
``add_link`` (a record evidences an audit, action or nonconformity); the documents
module uses ``record_types_for_choice`` for the drafting form.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from qms.core import permissions as P
from qms.core.locking import lock
from qms.errors import NotFound, ServiceError
from qms.extensions import db
from qms.records import links
from qms.records.access import can_view_record, can_view_type_records
# Shared helpers and the retention table, re-exported as part of the service.
from qms.records.common import (  # noqa: F401
    DUE_SOON_DAYS,
    RETENTION_STATES,
    SEARCH_KIND,
    is_on_hold,
    is_retention_over,
    next_code,
    require,
    retention_state,
    retention_until_for,
    touch,
)
from qms.records.defaults import load_default_record_types  # noqa: F401  (for other modules)
from qms.records.models import LINK_KINDS, Record, RecordFile, RecordLink, RecordType
from qms.records.record_types import (  # noqa: F401
    _TYPE_FIELDS,
    get_type,
    get_type_by_code,
    record_types_for_choice,
    save_record_type,
    set_type_legal_hold,
)
from qms.storage import store, uploads
from qms.timeutil import format_date, now_utc, to_local, today_local
from qms.trail import service as trail
from qms.validation import clean_title


# --------------------------------------------------------------------------- lookups


def get_record(record_id: int) -> Record:
    record = db.session.get(Record, record_id)
    if record is None:
        raise NotFound("No existe ese registro.")
    return record


# --------------------------------------------------------------------------- records


def _validate_date(record_date) -> date:
    if isinstance(record_date, datetime):
        record_date = to_local(record_date).date()
    if not isinstance(record_date, date):
        raise ServiceError("Indique la fecha del registro.", field="record_date")
    if record_date > today_local():
        raise ServiceError("La fecha del registro no puede ser futura.", field="record_date")
    return record_date


def _store_file(actor, record: Record, data: bytes, filename: str, reason: str) -> RecordFile:
    """Check, store and attach one file (the caller has checked permission and state)."""
    checked = uploads.check(data, filename)
    filename, content_type = checked.filename, checked.content_type
    digest = store.sha256_of(data)
    if any(f.sha256 == digest and f.status != "destroyed" for f in record.files):
        raise ServiceError(f"Ese contenido ya está en el registro (archivo «{filename}»); no se agregó de nuevo.",
                           field="file")
    stored = store.put(data, content_type)
    position = max((f.position for f in record.files), default=0) + 1
    record_file = RecordFile(record=record, position=position, sha256=stored.sha256, original_filename=filename,
                             size=len(data), content_type=content_type, added_by_id=getattr(actor, "id", None),
                             added_at=now_utc(), reason=reason)
    db.session.add(record_file)
    db.session.flush()
    return record_file


def _file_details(record_file: RecordFile) -> dict:
    return {"position": record_file.position, "filename": record_file.original_filename,
            "sha256": record_file.sha256, "size": record_file.size, "content_type": record_file.content_type,
            "reason": record_file.reason}


def _create(actor, *, record_type: RecordType, title: str, record_date: date, process=None, region_code=None,
            owner=None, description: str = "", data: bytes, filename: str, documents=(),
            source_kind: str | None = None, source_id: int | None = None) -> Record:
    if not record_type.is_active:
        raise ServiceError("Ese tipo de registro no está activo.", field="type_id")
    title = clean_title(title)
    record_date = _validate_date(record_date)
    if region_code:
        from qms.org.models import Region

        if db.session.get(Region, region_code) is None:
            raise ServiceError("Región desconocida.", field="region_code")
    # Check the file before anything is written: a refused upload leaves nothing behind.
    uploads.check(data, filename)
    record = Record(
        code=next_code(record_type.code, record_date.year, Record.code), type=record_type, title=title, record_date=record_date,
        process_id=getattr(process, "id", process), region_code=region_code or None,
        owner_id=getattr(owner or actor, "id", None), description=(description or "").strip(),
        retention_until=record_type.retention_until(record_date), source_kind=source_kind, source_id=source_id,
        created_at=now_utc(), created_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    record.documents = list(documents)
    db.session.flush()
    first = _store_file(actor, record, data, filename, reason="")
    trail.record(actor, "record.created", "record", record.id, record.code, {
        "title": title, "type": record_type.code, "record_date": record_date, "retention_until": record.retention_until,
        "process": record.process.code if record.process else None, "region": record.region_code,
        "documents": [d.code for d in record.documents], "source": [source_kind, source_id] if source_kind else None,
        "file": _file_details(first)})
    touch(record)
    return record


def create_record(actor, *, record_type: RecordType, title: str, record_date: date, data: bytes, filename: str,
                  process=None, region_code=None, owner=None, description: str = "", documents=()) -> Record:
    """Register a record with its first file (committee, ``record.manage``)."""
    require(actor, P.RECORD_MANAGE)
    if record_type.is_confidential and not can_view_type_records(actor, record_type):
        raise ServiceError("El tipo de registro es confidencial y usted no está entre los roles que pueden verlo.",
                           field="type_id")
    return _create(actor, record_type=record_type, title=title, record_date=record_date, process=process,
                   region_code=region_code, owner=owner, description=description, data=data, filename=filename,
                   documents=documents)


def register_produced_record(actor, *, type_code: str, title: str, record_date, process=None, region_code=None,
                             data: bytes, filename: str, content_type: str, source_kind: str,
                             source_id: int) -> Record:
    """Register a record produced by another module (audit report, CAPA report, ...).

    The record type ``type_code`` must exist (``load_default_record_types`` seeds the
    standard ones). The record is linked to its source (``source_kind`` + ``source_id``).
    If the same source already registered a record of that type, the new file is added
    to it (reason "Nueva versión generada por el sistema") instead of creating a second
    record; identical content is not added twice. ``content_type`` is informative only:
    the stored type is detected from the bytes. No extra permission is required: the
    calling module has already checked that ``actor`` may produce the report.
    """
    record_type = get_type_by_code(type_code)
    if record_type is None:
        raise ServiceError(f"No existe el tipo de registro «{type_code}»; cárguelo con «qms init».")
    if source_kind not in LINK_KINDS:
        raise ServiceError(f"Origen de registro desconocido: «{source_kind}».")
    existing = db.session.scalar(sa.select(Record).where(
        Record.source_kind == source_kind, Record.source_id == source_id, Record.type_id == record_type.id,
        Record.state == "active").order_by(Record.id).limit(1))
    if existing is not None:
        digest = store.sha256_of(data)
        if not any(f.sha256 == digest for f in existing.files):
            _add_file(actor, existing, data, filename, "Nueva versión generada por el sistema.")
        return existing
    record = _create(actor, record_type=record_type, title=title, record_date=record_date, process=process,
                     region_code=region_code, data=data, filename=filename, source_kind=source_kind,
                     source_id=source_id)
    add_link(actor, record, kind=source_kind, object_id=source_id, label=title, check_permission=False)
    return record


def store_report(template: str, context: dict, *, actor, type_code: str, title: str, record_date: date,
                 process, region_code: str | None, filename: str, source_kind: str, source_id: int):
    """Render another module's Word report, store it immutably and register it as a record.

    The audit, CAPA and nonconformity modules call this when they issue a report, so
    every report is a record of the retention table. Returns ``(sha256, record_id)``.
    """
    from qms.docgen.service import render_report
    from qms.docgen.templates import DOCX_TYPE

    data = render_report(template, context)
    stored = store.put(data, DOCX_TYPE)
    record = register_produced_record(
        actor, type_code=type_code, title=title, record_date=record_date, process=process,
        region_code=region_code, data=data, filename=filename, content_type=DOCX_TYPE,
        source_kind=source_kind, source_id=source_id)
    return stored.sha256, record.id


def _require_active(record: Record) -> None:
    lock(record)
    if record.state != "active":
        raise ServiceError(f"El registro está en estado «{record.state_label}» y ya no admite cambios.")


def _add_file(actor, record: Record, data: bytes, filename: str, reason: str) -> RecordFile:
    _require_active(record)
    reason = (reason or "").strip()
    if record.files and not reason:
        raise ServiceError("Indique el motivo para agregar un archivo a un registro existente.", field="reason")
    if len(reason) > 2000:
        raise ServiceError("El motivo es demasiado largo (máximo 2000 caracteres).", field="reason")
    record_file = _store_file(actor, record, data, filename, reason)
    trail.record(actor, "record.file_added", "record", record.id, record.code, {"file": _file_details(record_file)})
    touch(record)
    return record_file


def add_file(actor, record: Record, *, data: bytes, filename: str, reason: str) -> RecordFile:
    """Add a file to a record, with the reason; nothing already there changes."""
    require(actor, P.RECORD_MANAGE)
    if not can_view_record(actor, record):
        raise NotFound("No existe ese registro.")
    return _add_file(actor, record, data, filename, reason)


def replace_file(actor, record: Record, record_file: RecordFile, **_ignored) -> None:
    """Refuse: a record's files are never replaced (add a new one with a reason instead)."""
    raise ServiceError(
        f"Los archivos de un registro no se reemplazan: «{record_file.original_filename}» se conserva tal como "
        "se registró. Si hay una versión corregida, agréguela como un archivo nuevo indicando el motivo.")


def delete_record(actor, record: Record) -> None:
    """Refuse deleting a record: before its retention ends never, after it only through disposition."""
    require(actor, P.RECORD_MANAGE)
    if record.state != "active":
        raise ServiceError(f"El registro ya está en estado «{record.state_label}».")
    if record.retention_until is None:
        raise ServiceError(f"El registro {record.code} es de conservación permanente y no se puede eliminar.")
    if not is_retention_over(record):
        raise ServiceError(
            f"El registro {record.code} debe conservarse hasta el {format_date(record.retention_until)} "
            f"({record.type.retention_label} desde el {format_date(record.record_date)}); no se eliminó nada.")
    raise ServiceError(
        f"El plazo del registro {record.code} está cumplido: su eliminación se hace mediante una disposición "
        "aprobada (menú Disposición), que deja constancia y certificado.")


def update_record(actor, record: Record, *, title: str, description: str, process=None, region_code=None,
                  owner=None, documents=()) -> Record:
    """Change a record's descriptive data (its type, date and files never change)."""
    require(actor, P.RECORD_MANAGE)
    if not can_view_record(actor, record):
        raise NotFound("No existe ese registro.")
    _require_active(record)
    before = _snapshot(record)
    record.title = clean_title(title)
    record.description = (description or "").strip()
    record.process_id = getattr(process, "id", process)
    record.region_code = region_code or None
    record.owner_id = getattr(owner, "id", owner)
    record.documents = list(documents)
    db.session.flush()
    db.session.refresh(record, ["process", "region", "owner"])
    changes = trail.changes(before, _snapshot(record))
    if changes:
        trail.record(actor, "record.updated", "record", record.id, record.code, changes)
        touch(record)
    return record


def _snapshot(record: Record) -> dict:
    return {"title": record.title, "description": record.description, "region": record.region_code,
            "process": record.process_id, "owner": record.owner_id,
            "documents": sorted(d.code for d in record.documents)}


def add_link(actor, record: Record, *, kind: str, object_id: int, label: str = "",
             check_permission: bool = True) -> RecordLink:
    """Link the record to an object of another module (kind + id); idempotent.

    A person's link is checked (``links.resolve``): the object exists and they may open
    it; its label is what the owning module calls it. Without an id, ``label`` may be the
    object's code.
    """
    if check_permission:  # a person's link names an object they may open; a module's own is trusted
        require(actor, P.RECORD_MANAGE)
        object_id, label = links.resolve(actor, kind, object_id, label)
    lock(record)
    if kind not in LINK_KINDS:
        raise ServiceError("Tipo de vínculo desconocido.", field="kind")
    existing = next((link for link in record.links if link.kind == kind and link.object_id == object_id), None)
    if existing is not None:
        return existing
    link = RecordLink(record=record, kind=kind, object_id=int(object_id), label=(label or "")[:200])
    db.session.add(link)
    db.session.flush()
    trail.record(actor, "record.linked", "record", record.id, record.code,
                 {"kind": kind, "object_id": object_id, "label": link.label})
    touch(record)
    return link


def records_linked_to(kind: str, object_id: int) -> list[Record]:
    """Return the records evidencing an object of another module (for its pages)."""
    return list(db.session.scalars(
        sa.select(Record).join(RecordLink).where(RecordLink.kind == kind, RecordLink.object_id == object_id)
        .order_by(Record.record_date)))


def set_record_legal_hold(actor, record: Record, *, is_on_hold: bool, reason: str = "") -> Record:
    """Put or lift a legal hold on one record."""
    require(actor, P.RECORD_MANAGE)
    if not can_view_record(actor, record):
        raise NotFound("No existe ese registro.")
    _require_active(record)
    reason = (reason or "").strip()
    if is_on_hold and not reason:
        raise ServiceError("Indique el motivo de la retención legal (causa, oficio, sumario…).", field="reason")
    before = {"is_on_legal_hold": record.is_on_legal_hold, "reason": record.legal_hold_reason}
    record.is_on_legal_hold = is_on_hold
    record.legal_hold_reason = reason if is_on_hold else ""
    db.session.flush()
    trail.record(actor, "record.legal_hold" if is_on_hold else "record.legal_hold_lifted", "record", record.id,
                 record.code, trail.changes(before, {"is_on_legal_hold": is_on_hold, "reason": record.legal_hold_reason}))
    touch(record)
    return record


def read_file(actor, record: Record, record_file: RecordFile) -> bytes:
    """Return a file's bytes verified against its checksum, and trail the download.

    On a missing or altered file the trail gets a ``record.file_corrupt`` entry (the
    caller commits it) and StorageError is raised.
    """
    if not can_view_record(actor, record) or record_file.record_id != record.id:
        raise NotFound("No existe ese archivo.")
    if record_file.status == "destroyed":
        raise NotFound("Ese archivo fue eliminado por una disposición aprobada.")
    try:
        data = store.read(record_file.sha256)
    except store.StorageError as error:
        trail.record(actor, "record.file_corrupt", "record", record.id, record.code,
                     {"file": _file_details(record_file), "error": str(error)})
        raise
    trail.record(actor, "record.file_downloaded", "record", record.id, record.code,
                 {"position": record_file.position, "sha256": record_file.sha256})
    return data


def read_file_as_pdf(actor, record: Record, record_file: RecordFile) -> bytes:
    """Return a Word file of the record (an issued report) as PDF, converted once and kept.

    Raises ``qms.docgen.pdf.PdfUnavailable`` without LibreOffice, ServiceError for a file
    that is not Word, StorageError like ``read_file`` for a damaged one.
    """
    from qms.docgen import pdf

    data = read_file(actor, record, record_file)
    if uploads.served_type(data, record_file.original_filename) != uploads.DOCX:
        raise ServiceError("Solo los archivos Word del registro tienen copia en PDF.")
    pdf_sha = pdf.pdf_of_stored(record_file.sha256)
    trail.record(actor, "record.file_downloaded", "record", record.id, record.code,
                 {"position": record_file.position, "sha256": pdf_sha, "pdf_of": record_file.sha256})
    return store.read(pdf_sha)
