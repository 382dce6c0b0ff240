"""The audit trail (bitácora): append-only, hash-chained entries."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from qms.db import UTCDateTime
from qms.extensions import db
from qms.trail.chain import GENESIS_HASH, LEGACY

__all__ = ["GENESIS_HASH", "AuditEntry", "TrailHead", "AppendOnlyError", "CHAIN_COLUMNS", "chain_fields"]


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # The trail of one object (a document's page, a record's history) is read by type and
    # id in chain order: one index serves the filter and the order.
    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Position in the chain, 1, 2, 3, ... without gaps.
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The actor's username at the time, kept even if the user is renamed later.
    username: Mapped[str] = mapped_column(sa.String(60), default="")
    #: What happened, such as ``document.created`` or ``version.approved``.
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40), index=True)
    object_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    #: A readable name of the object (``PR-GT-01 v02``).
    object_label: Mapped[str] = mapped_column(sa.String(200), default="")
    #: What changed: ``{"field": [before, after]}`` or other details.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    #: How ``entry_hash`` was computed (``qms.trail.chain``): 1 = public SHA-256 (entries
    #: written before the trail had a key), 2 = HMAC-SHA256 with the trail key.
    chain_version: Mapped[int] = mapped_column(sa.SmallInteger, server_default=sa.text(str(LEGACY)))
    entry_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.seq} {self.action} {self.object_type}:{self.object_id}>"


#: The columns ``chain_fields`` reads: select these to verify without loading entities.
CHAIN_COLUMNS = (AuditEntry.seq, AuditEntry.at, AuditEntry.user_id, AuditEntry.username, AuditEntry.action,
                 AuditEntry.object_type, AuditEntry.object_id, AuditEntry.object_label, AuditEntry.details,
                 AuditEntry.prev_hash, AuditEntry.chain_version, AuditEntry.entry_hash)


def chain_fields(row) -> dict:
    """Return what ``qms.trail.chain`` hashes and checks, from an entry or a row of ``CHAIN_COLUMNS``.

    The instant is written with microseconds so that it hashes the same after a round
    trip through the database or an export.
    """
    return {
        "seq": row.seq,
        "at": row.at.isoformat(timespec="microseconds"),
        "user_id": row.user_id,
        "username": row.username,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_label": row.object_label,
        "details": row.details,
        "prev_hash": row.prev_hash,
        "chain_version": row.chain_version if row.chain_version is not None else LEGACY,
        "entry_hash": row.entry_hash,
    }


class TrailHead(db.Model):
    """The last link of the chain; locked while appending so that links never fork."""

    __tablename__ = "trail_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS_HASH)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, target):
    raise AppendOnlyError("las entradas de la bitácora no se modifican")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise AppendOnlyError("las entradas de la bitácora no se eliminan")
