"""Disposition of records whose retention has ended.

The committee (``record.manage``) proposes a batch of expired records; an approver
(``record.dispose``) signs it with the password. On approval, in one transaction, each
record is disposed as its type says — ``destroy``: files marked destroyed and their
bytes removed from the store when nothing else references them; ``archive``: marked
archivo histórico, files kept — a tombstone keeps what it was, when, who approved and
the checksums, and a Word certificate is generated and stored. Bytes are unlinked only
after the commit succeeds, so a failure never loses data. A legal hold on a record or
its type blocks proposal and approval.
"""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from qms import search
from qms.core import permissions as P
from qms.core import signing
from qms.core.locking import lock
from qms.errors import NotFound, ServiceError
from qms.extensions import db
from qms.records import certificate
from qms.records.common import SEARCH_KIND, is_retention_over, next_code, require
from qms.records.access import can_view_record, visible_filter
from qms.records.models import (
    DispositionBatch,
    DispositionItem,
    Record,
    RecordFile,
    RecordTombstone,
    RecordType,
)
from qms.storage import store
from qms.storage.models import StoredFile
from qms.timeutil import format_date, now_utc, today_local
from qms.trail import service as trail

log = logging.getLogger(__name__)

#: Key in ``Session.info``: stored files to unlink once the transaction commits.
PENDING_UNLINK = "qms_records_unlink"
#: Tables whose ``*sha256`` columns do not keep a stored file alive.
_NOT_REFERENCES = frozenset({"record_files", "record_tombstones", "stored_files"})


def get_batch(batch_id: int) -> DispositionBatch:
    batch = db.session.get(DispositionBatch, batch_id)
    if batch is None:
        raise NotFound("No existe esa disposición.")
    return batch


def eligible_records(user, today: date | None = None) -> list[Record]:
    """Return the records in custody whose retention has ended and that ``user`` may see.

    Records under legal hold are included (the list shows the hold) so that nobody
    wonders where they went; they cannot be proposed.
    """
    return list(db.session.scalars(eligible_query(user, today)))


def eligible_query(user, today: date | None = None):
    """The select of ``eligible_records``, oldest retention first."""
    today = today or today_local()
    return (sa.select(Record).join(Record.type)
            .where(Record.state == "active", Record.retention_until.is_not(None), Record.retention_until < today,
                   RecordType.disposition != "permanent", visible_filter(user))
            .order_by(Record.retention_until, Record.code))


def batches(limit: int = 50) -> list[DispositionBatch]:
    return list(db.session.scalars(sa.select(DispositionBatch).order_by(DispositionBatch.id.desc()).limit(limit)))


def pending_record_ids() -> set[int]:
    """Return the ids of records already in a proposed batch."""
    return set(db.session.scalars(pending_ids_query()))


def pending_ids_query():
    return sa.select(DispositionItem.record_id).join(DispositionBatch).where(DispositionBatch.state == "proposed")


def _check_disposable(record: Record, today: date, ignore_batch: DispositionBatch | None = None) -> None:
    lock(record)
    lock(record.type)
    if record.state != "active":
        raise ServiceError(f"El registro {record.code} ya está en estado «{record.state_label}».")
    if record.is_on_legal_hold:
        raise ServiceError(f"El registro {record.code} está bajo retención legal ({record.legal_hold_reason}); "
                           "no puede disponerse hasta que se levante. No se dispuso nada.")
    if record.type.is_on_legal_hold:
        raise ServiceError(f"El tipo {record.type.code} ({record.type.name}) está bajo retención legal "
                           f"({record.type.legal_hold_reason}); el registro {record.code} no puede disponerse. "
                           "No se dispuso nada.")
    if record.retention_until is None or record.type.is_permanent:
        raise ServiceError(f"El registro {record.code} es de conservación permanente.")
    if not is_retention_over(record, today):
        raise ServiceError(f"El registro {record.code} debe conservarse hasta el {format_date(record.retention_until)}; "
                           "no se dispuso nada.")


def propose_batch(actor, records, comment: str = "") -> DispositionBatch:
    """Propose the disposition of ``records`` (committee)."""
    require(actor, P.RECORD_MANAGE)
    records = list(records)
    if not records:
        raise ServiceError("Seleccione al menos un registro para proponer su disposición.")
    today = today_local()
    already = pending_record_ids()
    for record in records:
        if not can_view_record(actor, record):
            raise NotFound("No existe ese registro.")
        _check_disposable(record, today)
        if record.id in already:
            raise ServiceError(f"El registro {record.code} ya está en una disposición propuesta.")
    year = today.year
    batch = DispositionBatch(code=next_code("DISP", year, DispositionBatch.code), state="proposed",
                             proposed_by_id=actor.id,
                             proposed_at=now_utc(), comment=(comment or "").strip())
    batch.items = [DispositionItem(record=r, action=r.type.disposition) for r in records]
    db.session.add(batch)
    db.session.flush()
    trail.record(actor, "disposition.proposed", "disposition", batch.id, batch.code, {
        "records": [{"code": i.record.code, "action": i.action} for i in batch.items], "comment": batch.comment})
    return batch


def _check_decision(actor, batch: DispositionBatch, password: str) -> None:
    require(actor, P.RECORD_DISPOSE)
    lock(batch)
    if batch.state != "proposed":
        raise ServiceError(f"La disposición {batch.code} ya está en estado «{batch.state_label}».")
    signing.refuse_if_took_part(batch.proposed_by_id == actor.id,
                                "Segregación de funciones: usted propuso esta disposición, por lo que no puede resolverla.")
    signing.confirm_password(actor, password)


def reject_batch(actor, batch: DispositionBatch, *, password: str, comment: str) -> DispositionBatch:
    """Reject a proposed batch (nothing is disposed); the reason is required."""
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("Indique el motivo del rechazo.", field="comment")
    _check_decision(actor, batch, password)
    batch.state = "rejected"
    batch.decided_by_id, batch.decided_at, batch.decision_comment = actor.id, now_utc(), comment
    batch.decided_by_name, batch.decided_by_position = actor.full_name, actor.position or ""
    db.session.flush()
    trail.record(actor, "disposition.rejected", "disposition", batch.id, batch.code,
                 {"state": ["proposed", "rejected"], "comment": comment})
    return batch


def _canonical(batch: DispositionBatch) -> list[dict]:
    return [{"record": i.record.code, "action": i.action, "retention_until": i.record.retention_until.isoformat(),
             "files": [[f.sha256, f.original_filename] for f in i.record.files if f.status != "destroyed"]}
            for i in batch.items]


def approve_batch(actor, batch: DispositionBatch, *, password: str, comment: str = "") -> DispositionBatch:
    """Sign and execute a proposed batch; refuse it whole if any record cannot be disposed."""
    _check_decision(actor, batch, password)
    today = today_local()
    for item in batch.items:
        _check_disposable(item.record, today)
    signed = hashlib.sha256(json.dumps(_canonical(batch), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    batch.state = "executed"
    batch.decided_by_id, batch.decided_at = actor.id, now_utc()
    batch.decision_comment = (comment or "").strip()
    batch.decided_by_name, batch.decided_by_position = actor.full_name, actor.position or ""
    batch.signed_sha256 = signed
    tombstones = [_dispose(actor, item, batch) for item in batch.items]
    db.session.flush()
    unlink = _release_unreferenced({f["sha256"] for t in tombstones if t.action == "destroy" for f in t.files})
    for tombstone in tombstones:
        for entry in tombstone.files:
            entry["physically_deleted"] = entry["sha256"] in unlink
    data = certificate.build(batch, tombstones)
    batch.certificate_sha256 = store.put(data, certificate.DOCX_TYPE).sha256
    db.session.add_all(tombstones)
    db.session.flush()
    trail.record(actor, "disposition.approved", "disposition", batch.id, batch.code, {
        "state": ["proposed", "executed"], "signed_sha256": signed, "certificate_sha256": batch.certificate_sha256,
        "records": [t.record_code for t in tombstones], "files_deleted": sorted(unlink)})
    db.session.info.setdefault(PENDING_UNLINK, set()).update(unlink)
    return batch


def _dispose(actor, item: DispositionItem, batch: DispositionBatch) -> RecordTombstone:
    record = item.record
    files = [f for f in record.files if f.status != "destroyed"]
    tombstone = RecordTombstone(
        record_id=record.id, batch_id=batch.id, record_code=record.code, title=record.title,
        type_code=record.type.code, type_name=record.type.name, record_date=record.record_date,
        retention_until=record.retention_until, action=item.action, executed_at=now_utc(),
        approved_by_id=actor.id, approved_by_name=actor.full_name,
        files=[{"filename": f.original_filename, "sha256": f.sha256, "size": f.size,
                "content_type": f.content_type, "physically_deleted": False} for f in files])
    new_status = "destroyed" if item.action == "destroy" else "archived"
    for record_file in files:
        record_file.status = new_status
    before = record.state
    record.state = "disposed" if item.action == "destroy" else "archived"
    record.disposed_at = now_utc()
    db.session.flush()
    trail.record(actor, "record.disposed" if item.action == "destroy" else "record.archived", "record", record.id,
                 record.code, {"state": [before, record.state], "batch": batch.code,
                               "files": [[f.sha256, f.original_filename] for f in files]})
    record.revision = (record.revision or 0) + 1
    search.queue_index(SEARCH_KIND, record.id)
    return tombstone


def _reference_columns():
    """Yield every column that may hold a stored file's SHA-256, outside this module's own rows."""
    for table in db.metadata.sorted_tables:
        if table.name in _NOT_REFERENCES:
            continue
        for column in table.columns:
            if column.name.endswith("sha256") or any(fk.column.table.name == "stored_files" for fk in column.foreign_keys):
                yield column


def is_referenced(sha256: str) -> bool:
    """Return whether anything but a destroyed record file still points at ``sha256``."""
    live = sa.select(RecordFile.id).where(RecordFile.sha256 == sha256, RecordFile.status != "destroyed").limit(1)
    if db.session.scalar(live) is not None:
        return True
    for column in _reference_columns():
        if db.session.execute(sa.select(sa.literal(1)).select_from(column.table).where(column == sha256).limit(1)).first():
            return True
    return False


def _release_unreferenced(candidates: set[str]) -> set[str]:
    """Delete the StoredFile rows nobody references; return their checksums (to unlink after commit)."""
    released = set()
    for sha256 in sorted(candidates):
        if is_referenced(sha256):
            continue
        row = db.session.get(StoredFile, sha256)
        if row is not None:
            db.session.delete(row)
        released.add(sha256)
    db.session.flush()
    return released


@event.listens_for(Session, "after_commit")
def _unlink_after_commit(session: Session) -> None:
    """Remove the released files from the store, now that the disposition is committed."""
    if session.get_nested_transaction() is not None:
        return  # only a savepoint was released: the disposition may still be rolled back
    pending = session.info.pop(PENDING_UNLINK, None)
    if not pending:
        return
    for sha256 in sorted(pending):
        try:
            with db.engine.connect() as conn:
                again = conn.execute(sa.select(StoredFile.sha256).where(StoredFile.sha256 == sha256)).first()
                conn.rollback()
            if again is None:
                store.path_for(sha256).unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - an unlink failure leaves an orphan that `qms storage check` reports
            log.exception("disposition: could not remove stored file %s", sha256[:12])


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_UNLINK, None)
