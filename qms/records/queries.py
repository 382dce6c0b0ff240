"""Read-only queries of the records register: filters, pagination source, export."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from qms.extensions import db
from qms.records.common import DUE_SOON_DAYS, RETENTION_STATES
from qms.records.access import visible_filter
from qms.records.models import Record, RecordType
from qms.timeutil import format_date, today_local


@dataclass
class RecordFilters:
    type_id: int | None = None
    process_id: int | None = None
    region: str | None = None
    year: int | None = None
    retention: str | None = None
    text: str = ""


def _hold():
    return sa.or_(Record.is_on_legal_hold.is_(True), RecordType.is_on_legal_hold.is_(True))


def _retention_condition(state: str, today: date):
    active = Record.state == "active"
    no_hold = sa.not_(_hold())
    return {
        "archived": Record.state == "archived",
        "disposed": Record.state == "disposed",
        "hold": sa.and_(active, _hold()),
        "permanent": sa.and_(active, no_hold, Record.retention_until.is_(None)),
        "expired": sa.and_(active, no_hold, Record.retention_until < today),
        "due_soon": sa.and_(active, no_hold, Record.retention_until >= today,
                            Record.retention_until <= today + timedelta(days=DUE_SOON_DAYS)),
        "in_retention": sa.and_(active, no_hold, Record.retention_until > today + timedelta(days=DUE_SOON_DAYS)),
    }.get(state)


def register_query(filters: RecordFilters, user, today: date | None = None):
    """Return the select of the records ``user`` may see that match ``filters``, with what a
    row of the register shows."""
    return register_select(filters, user, today).options(
        selectinload(Record.files), selectinload(Record.process), selectinload(Record.region))


def register_select(filters: RecordFilters, user, today: date | None = None):
    """The register's filters and order over records and their type (no loader options:
    the export selects columns from it)."""
    today = today or today_local()
    query = sa.select(Record).join(Record.type).where(visible_filter(user))
    if filters.type_id:
        query = query.where(Record.type_id == filters.type_id)
    if filters.process_id:
        query = query.where(Record.process_id == filters.process_id)
    if filters.region:
        query = query.where(Record.region_code == filters.region)
    if filters.year:
        query = query.where(Record.record_date >= date(filters.year, 1, 1), Record.record_date <= date(filters.year, 12, 31))
    condition = _retention_condition(filters.retention, today) if filters.retention in RETENTION_STATES else None
    if condition is not None:
        query = query.where(condition)
    for word in (filters.text or "").split()[:6]:
        like = f"%{word}%"
        query = query.where(sa.or_(Record.title.ilike(like), Record.code.ilike(like)))
    return query.order_by(Record.record_date.desc(), Record.id.desc())


def years(user) -> list[int]:
    """Return the years that have records visible to ``user``, newest first."""
    dates = (sa.select(sa.func.min(Record.record_date), sa.func.max(Record.record_date))
             .join(Record.type).where(visible_filter(user)))
    from qms.extensions import db

    low, high = db.session.execute(dates).one()
    return list(range(high.year, low.year - 1, -1)) if low and high else []


def inbox(user) -> list[dict]:
    """Return the inbox sections of the records module for ``user`` (Mis pendientes)."""
    from flask import url_for

    from qms.core import permissions as P
    from qms.records import disposition

    sections = []
    if user.can(P.RECORD_MANAGE):
        # The oldest few in SQL: at 20,000 records thousands are expired, and the inbox shows 15.
        expired = db.session.scalars(disposition.eligible_query(user).where(
            Record.id.not_in(disposition.pending_ids_query())).limit(15)).all()
        sections.append({"title": "Registros con el plazo de conservación cumplido", "items": [
            {"url": url_for("records.detail", record_id=r.id), "label": f"{r.code} {r.title}",
             "note": f"conservar hasta {format_date(r.retention_until)}", "overdue": True} for r in expired]})
    if user.can(P.RECORD_DISPOSE):
        proposed = [b for b in disposition.batches() if b.state == "proposed"]
        sections.append({"title": "Disposiciones de registros por aprobar", "items": [
            {"url": url_for("records.batch", disposition_id=b.id), "label": f"{b.code} ({len(b.items)} registros)",
             "note": f"propuesta por {b.proposed_by.full_name}", "overdue": False} for b in proposed]})
    return sections


def record_types_by_ids(ids) -> list:
    """The record types with ``ids`` (a procedure lists the records it produces)."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return []
    return db.session.scalars(sa.select(RecordType).where(RecordType.id.in_(ids))).all()


def visible_record_by_code(user, code: str) -> Record | None:
    """The record ``code`` (``REG-2026-001``) if ``user`` may see it, else None (another module links it)."""
    from qms.records.access import can_view_record

    record = db.session.scalar(sa.select(Record).where(Record.code == (code or "").strip().upper()))
    return record if record is not None and can_view_record(user, record) else None


def records_by_ids(ids) -> dict[int, dict]:
    """``{id: {id, code, title, type, record_date, state}}`` of the records ``ids`` (one statement)."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Record).where(Record.id.in_(ids))).all()
    return {r.id: {"id": r.id, "code": r.code, "title": r.title, "type": r.type.code, "record_date": r.record_date,
                   "state": r.state} for r in rows}


def active_records_of_type(type_code: str, year: int) -> list[dict]:
    """Active records of type ``type_code`` dated in ``year`` (a certificate, ...), as plain values."""
    rows = db.session.scalars(sa.select(Record).join(RecordType, Record.type_id == RecordType.id).where(
        RecordType.code == type_code, Record.state == "active", Record.record_date >= date(year, 1, 1),
        Record.record_date <= date(year, 12, 31)).order_by(Record.record_date)).all()
    return [{"id": r.id, "code": r.code, "title": r.title, "type": type_code, "record_date": r.record_date,
             "state": r.state} for r in rows]


def record_type_by_code(code: str):
    return db.session.scalar(sa.select(RecordType).where(RecordType.code == code))
