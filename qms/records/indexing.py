"""What the records module puts in the search index: one entry per Record (kind ``record``).

Visibility follows ``access.can_view_record``: a record of an open type carries the
token ``perm:record.read``; a confidential one carries ``user:<id>`` of each user who
currently holds one of its type's roles and ``record.read`` (the page hits are
re-checked against the database by ``visible_ids``, so a role change never exposes one).
Archived and disposed records are "archived" entries, shown only when asked for; a
disposed record keeps only its metadata in the index (its files are gone).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import object_session, selectinload

from qms.core import permissions as P
from qms.records.access import can_view_record, visible_filter
from qms.records.models import RECORD_STATES, Record, RecordType
from qms.search.folded_sql import any_contains
from qms.search.kinds import Entry, Kind, register_kind

KIND = "record"


def _confidential_tokens(record_type) -> set[str]:
    """Return ``user:<id>`` for each user who may read the confidential type today."""
    from qms.auth.models import User, user_roles

    # The indexing queue works in its own session: query through the object's.
    session = object_session(record_type)
    role_ids = [r.id for r in record_type.allowed_roles]
    users = session.scalars(
        sa.select(User).join(user_roles).where(user_roles.c.role_id.in_(role_ids))).unique() if role_ids else ()
    tokens = {f"user:{u.id}" for u in users if u.can(P.RECORD_READ)}
    # A token nobody holds keeps the entry hidden from everyone when no one may read it.
    return tokens or {"nobody"}


def _visibility(record: Record) -> set[str]:
    if record.type.is_confidential:
        return _confidential_tokens(record.type)
    return {f"perm:{P.RECORD_READ}"}


def to_entry(record: Record) -> Entry:
    files = " ".join(f.original_filename for f in record.files if f.status != "destroyed")
    meta = "\n\n".join(p for p in (record.type.name, files, " ".join(d.code for d in record.documents),
                                   " ".join(link.label for link in record.links)) if p)
    return Entry(
        kind=KIND, object_id=record.id, title=record.title, body=record.description or "", meta=meta,
        code=record.code,
        subtitle=f"{record.type.name} · {RECORD_STATES.get(record.state, record.state)}",
        type=record.type.code, process=record.process.code if record.process else "",
        state=record.state, state_label=RECORD_STATES.get(record.state, record.state),
        regions=[record.region_code] if record.region_code else [], date=record.record_date,
        is_archived=record.state != "active", visibility=_visibility(record),
        link={"endpoint": "records.detail", "values": {"record_id": record.id}},
        fingerprint=f"{record.state}:{record.revision}",
    )


def _records(session, ids):
    return session.scalars(
        sa.select(Record).where(Record.id.in_(list(ids)))
        .options(selectinload(Record.files), selectinload(Record.documents), selectinload(Record.links))
    ).all()


def load(session, ids) -> dict[int, Entry]:
    return {r.id: to_entry(r) for r in _records(session, ids)}


def all_ids(session):
    return session.scalars(sa.select(Record.id).order_by(Record.id)).all()


def fingerprints(session) -> dict[int, str]:
    return {rid: f"{state}:{rev}" for rid, state, rev in session.execute(sa.select(Record.id, Record.state, Record.revision))}


def visible_ids(session, user, ids) -> set[int]:
    return {r.id for r in _records(session, ids) if can_view_record(user, r)}


def fallback(session, user, text, limit, include_archived=False) -> list[Entry]:
    """Plain database search while the index is unusable (already permission-filtered)."""
    query = sa.select(Record).join(Record.type).where(visible_filter(user))
    for word in text.split()[:8]:
        query = query.where(any_contains((Record.title, Record.code, Record.description), word))
    if not include_archived:
        query = query.where(Record.state == "active")
    rows = session.scalars(query.order_by(Record.record_date.desc()).limit(limit)).unique()
    return [to_entry(r) for r in rows if can_view_record(user, r)]


def facet_labels(session, facet, values) -> dict[str, str]:
    from qms.org.models import Process, Region

    column = {"type": RecordType.code, "process": Process.code, "region": Region.code}.get(facet)
    if column is None or not values:
        return {}
    return {row.code: row.name for row in session.scalars(sa.select(column.class_).where(column.in_(values)))}


def lookup_code(session, user, key) -> dict | None:
    """Return the record page for a typed code ("INF-AUD-2026-001", "infaud2026001")."""
    compact = sa.func.upper(sa.func.replace(sa.func.replace(Record.code, "-", ""), "_", ""))
    record = session.scalars(sa.select(Record).where(compact == key.upper())).first()
    if record is None or not can_view_record(user, record):
        return None
    return {"endpoint": "records.detail", "values": {"record_id": record.id}}


register_kind(Kind(
    name=KIND, label="Registro", plural="Registros", load=load, all_ids=all_ids, visible_ids=visible_ids,
    fallback=fallback, fingerprints=fingerprints, state_labels=dict(RECORD_STATES), facet_labels=facet_labels,
    lookup_code=lookup_code,
))
