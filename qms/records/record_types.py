"""The retention table: record types and their legal holds. Re-exported by
``qms.records.service``. Which record types a procedure produces is kept on the
document version itself (``DocumentVersion.record_types``)."""
from __future__ import annotations

import sqlalchemy as sa

from qms.core import permissions as P
from qms.core.locking import lock
from qms.errors import NotFound, ServiceError
from qms.extensions import db
from qms.records.common import require, touch
from qms.records.models import DISPOSITIONS, Record, RecordType
from qms.trail import service as trail


def get_type(type_id: int) -> RecordType:
    record_type = db.session.get(RecordType, type_id)
    if record_type is None:
        raise NotFound("No existe ese tipo de registro.")
    return record_type


def get_type_by_code(code: str) -> RecordType | None:
    return db.session.scalar(sa.select(RecordType).where(RecordType.code == (code or "").strip().upper()))


def record_types_for_choice() -> list[RecordType]:
    """Return the active record types, by code (for choice lists)."""
    return list(db.session.scalars(sa.select(RecordType).where(RecordType.is_active).order_by(RecordType.code)))


# --------------------------------------------------------------------------- record types

_TYPE_FIELDS = ("code", "name", "description", "producing_document_id", "keeper", "location",
                "retention_years", "retention_months", "disposition", "is_confidential", "is_active")


def _type_snapshot(record_type: RecordType) -> dict:
    snap = {name: getattr(record_type, name) for name in _TYPE_FIELDS}
    snap["allowed_roles"] = sorted(r.name for r in record_type.allowed_roles)
    return snap


def _validate_type_fields(fields: dict, record_type: RecordType | None) -> dict:
    code = (fields.get("code") or "").strip().upper()
    if not code or len(code) > 20 or not all(ch.isalnum() or ch in "-_" for ch in code):
        raise ServiceError("El código es obligatorio: letras, números y guiones (máximo 20).", field="code")
    other = get_type_by_code(code)
    if other is not None and other is not record_type:
        raise ServiceError(f"Ya existe un tipo de registro con el código {code}.", field="code")
    if record_type is not None and code != record_type.code and _count_records(record_type):
        raise ServiceError("El código no puede cambiar: ya hay registros de este tipo.", field="code")
    name = (fields.get("name") or "").strip()
    if not name or len(name) > 200:
        raise ServiceError("El nombre es obligatorio (máximo 200 caracteres).", field="name")
    disposition = fields.get("disposition") or "destroy"
    if disposition not in DISPOSITIONS:
        raise ServiceError("Disposición final desconocida.", field="disposition")
    years, months = int(fields.get("retention_years") or 0), int(fields.get("retention_months") or 0)
    if not (0 <= years <= 200) or not (0 <= months <= 11 * 100):
        raise ServiceError("El plazo de conservación no es válido.", field="retention_years")
    if disposition != "permanent" and years * 12 + months <= 0:
        raise ServiceError("Indique un plazo de conservación (años y/o meses) o elija conservar permanentemente.",
                           field="retention_years")
    clean = dict(fields, code=code, name=name, disposition=disposition, retention_years=years, retention_months=months)
    for text in ("description", "keeper", "location"):
        clean[text] = (fields.get(text) or "").strip()
    clean["is_confidential"] = bool(fields.get("is_confidential"))
    clean["is_active"] = bool(fields.get("is_active", True))
    return clean


def _count_records(record_type: RecordType) -> int:
    return db.session.scalar(sa.select(sa.func.count(Record.id)).where(Record.type_id == record_type.id)) or 0


def save_record_type(actor, record_type: RecordType | None, *, allowed_roles=(), **fields) -> RecordType:
    """Create (``record_type`` None) or update a row of the retention table.

    A change of retention period or disposition recomputes ``retention_until`` of the
    type's records still in custody, each with its own trail entry.
    """
    require(actor, P.RECORD_MANAGE)
    lock(record_type)
    clean = _validate_type_fields(fields, record_type)
    if clean["is_confidential"] and not allowed_roles:
        raise ServiceError("Un tipo confidencial debe nombrar al menos un rol que pueda ver sus registros.",
                           field="allowed_roles")
    is_new = record_type is None
    before = {} if is_new else _type_snapshot(record_type)
    if is_new:
        record_type = RecordType()
        db.session.add(record_type)
    for name in _TYPE_FIELDS:
        if name in clean:
            setattr(record_type, name, clean[name])
    record_type.allowed_roles = list(allowed_roles) if clean["is_confidential"] else []
    db.session.flush()
    after = _type_snapshot(record_type)
    trail.record(actor, "record_type.created" if is_new else "record_type.updated", "record_type",
                 record_type.id, record_type.code, after if is_new else trail.changes(before, after))
    if not is_new:
        _recompute_retention(actor, record_type)
    return record_type


def _recompute_retention(actor, record_type: RecordType) -> None:
    """Recompute retention of the type's records in custody and reindex all its records
    (name, confidentiality and roles shape their search entries)."""
    for record in db.session.scalars(sa.select(Record).where(Record.type_id == record_type.id)):
        until = record_type.retention_until(record.record_date)
        if record.state == "active" and until != record.retention_until:
            trail.record(actor, "record.retention_recomputed", "record", record.id, record.code,
                         {"retention_until": [record.retention_until, until]})
            record.retention_until = until
        touch(record)


def set_type_legal_hold(actor, record_type: RecordType, *, is_on_hold: bool, reason: str = "") -> RecordType:
    """Put or lift a legal hold on a whole type (blocks disposition of all its records)."""
    require(actor, P.RECORD_MANAGE)
    lock(record_type)
    reason = (reason or "").strip()
    if is_on_hold and not reason:
        raise ServiceError("Indique el motivo de la retención legal (causa, oficio, sumario…).", field="reason")
    before = {"is_on_legal_hold": record_type.is_on_legal_hold, "reason": record_type.legal_hold_reason}
    record_type.is_on_legal_hold = is_on_hold
    record_type.legal_hold_reason = reason if is_on_hold else ""
    db.session.flush()
    trail.record(actor, "record_type.legal_hold" if is_on_hold else "record_type.legal_hold_lifted", "record_type",
                 record_type.id, record_type.code,
                 trail.changes(before, {"is_on_legal_hold": is_on_hold, "reason": record_type.legal_hold_reason}))
    return record_type
