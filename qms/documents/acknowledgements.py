"""Tomas de conocimiento: who must read an effective version, who has, who has not."""
from __future__ import annotations

import sqlalchemy as sa

from qms.auth.models import User, user_roles
from qms.documents.common import lock_document_version, version_label
from qms.documents.models import Acknowledgement, DistributionEntry, Document, DocumentVersion
from qms.errors import ServiceError
from qms.extensions import db
from qms.timeutil import now_utc
from qms.trail import service as trail


def required_readers(document: Document) -> list[User]:
    """Return the active users the distribution list names, through a role or a unit."""
    role_ids = [e.role_id for e in document.distribution if e.role_id]
    unit_ids = [e.unit_id for e in document.distribution if e.unit_id]
    if not role_ids and not unit_ids:
        return []
    by_role = sa.select(user_roles.c.user_id).where(user_roles.c.role_id.in_(role_ids))
    return db.session.scalars(
        sa.select(User)
        .where(User.is_enabled.is_(True), sa.or_(User.id.in_(by_role), User.unit_id.in_(unit_ids)))
        .order_by(User.full_name)
    ).all()


def has_acknowledged(user, version: DocumentVersion) -> bool:
    return db.session.scalar(
        sa.select(Acknowledgement.id).where(Acknowledgement.version_id == version.id, Acknowledgement.user_id == user.id)
    ) is not None


def acknowledge(actor, version: DocumentVersion) -> Acknowledgement:
    """Record that ``actor`` read the effective ``version`` (once)."""
    lock_document_version(version)  # still in force, and not acknowledged by a second click meanwhile
    if version.state != "effective":
        raise ServiceError("Solo se toma conocimiento de la versión vigente.")
    if has_acknowledged(actor, version):
        raise ServiceError("Usted ya tomó conocimiento de esta versión.")
    ack = Acknowledgement(version_id=version.id, user_id=actor.id, at=now_utc())
    db.session.add(ack)
    db.session.flush()
    trail.record(actor, "version.acknowledged", "document_version", version.id, version_label(version), {})
    return ack


def pending_query(user, versions: sa.Select | None = None) -> sa.Select:
    """Return ``versions`` (default: all) narrowed to the effective ones whose distribution
    names ``user`` and that they have not read; the caller joins ``Document`` if it orders by it."""
    role_ids = sa.select(user_roles.c.role_id).where(user_roles.c.user_id == user.id)
    named = sa.or_(DistributionEntry.role_id.in_(role_ids), DistributionEntry.unit_id == user.unit_id) \
        if user.unit_id else DistributionEntry.role_id.in_(role_ids)
    read = sa.select(Acknowledgement.version_id).where(Acknowledgement.user_id == user.id)
    stmt = versions if versions is not None else sa.select(DocumentVersion)
    return stmt.where(
        DocumentVersion.state == "effective",
        DocumentVersion.id.not_in(read),
        DocumentVersion.document_id.in_(sa.select(DistributionEntry.document_id).where(named)),
    )


def pending_for(user) -> list[DocumentVersion]:
    """Return every effective version ``user`` must still read, by document code."""
    return db.session.scalars(
        pending_query(user).join(Document, DocumentVersion.document_id == Document.id).order_by(Document.code)).all()


def report(version: DocumentVersion) -> dict:
    """Return who read the version (with when) and who has not yet."""
    acks = {a.user_id: a for a in db.session.scalars(
        sa.select(Acknowledgement).where(Acknowledgement.version_id == version.id))}
    readers = required_readers(version.document)
    return {
        "read": [(u, acks[u.id].at) for u in readers if u.id in acks],
        "unread": [u for u in readers if u.id not in acks],
        "others": [a for uid, a in acks.items() if uid not in {u.id for u in readers}],
    }
