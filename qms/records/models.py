"""Quality records: the retention table (record types), records, their files and links,
disposition batches and the tombstones they leave.

A record's files are immutable: a row of ``record_files`` never changes its content
columns and is never deleted (a disposition marks it destroyed and keeps its checksum).
The guard at the bottom of this module refuses such changes at flush time, whatever
code path tries them.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from qms.core.states import State, StateMap
from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import add_months, now_utc

#: What happens to a record when its retention ends.
DISPOSITIONS = {
    "destroy": "Eliminar",
    "archive": "Archivo histórico",
    "permanent": "Conservar permanentemente",
}

#: A record's lifecycle.
RECORD_STATES = StateMap(
    State("active", "En custodia", "success"),
    State("archived", "Archivo histórico", "secondary"),
    State("disposed", "Eliminado (disposición)", "dark"),
)

#: Kinds of object a record may evidence, besides controlled documents.
LINK_KINDS = {
    "audit": "Auditoría",
    "finding": "Hallazgo",
    "action": "Acción correctiva / preventiva",
    "nonconformity": "Producto / servicio no conforme",
    "management_review": "Revisión por la dirección",
}

BATCH_STATES = StateMap(
    State("proposed", "Propuesta", "warning"),
    State("executed", "Aprobada y ejecutada", "success"),
    State("rejected", "Rechazada", "danger"),
)

record_type_roles = sa.Table(
    "record_type_roles",
    db.metadata,
    sa.Column("record_type_id", sa.ForeignKey("record_types.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)

#: The record types a procedure version says it produces (its "Registros" section).
document_version_record_types = sa.Table(
    "document_version_record_types",
    db.metadata,
    sa.Column("version_id", sa.ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("record_type_id", sa.ForeignKey("record_types.id", ondelete="CASCADE"), primary_key=True),
)

record_documents = sa.Table(
    "record_documents",
    db.metadata,
    sa.Column("record_id", sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), primary_key=True),
)


class RecordType(db.Model):
    """One row of the retention table (tabla de retención)."""

    __tablename__ = "record_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code, also the prefix of its records' codes: ``INF-AUD``.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: The controlled procedure that produces it (optional).
    producing_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    #: Who keeps it (unit or role), as printed in the retention table.
    keeper: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Where it is kept ("Sistema QMS", "Archivo Oficina de Partes", ...).
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    retention_years: Mapped[int] = mapped_column(default=0)
    retention_months: Mapped[int] = mapped_column(default=0)
    #: destroy / archive / permanent (see DISPOSITIONS).
    disposition: Mapped[str] = mapped_column(sa.String(20), default="destroy")
    is_confidential: Mapped[bool] = mapped_column(default=False)
    #: A legal hold (retención legal) blocks disposition of every record of the type.
    is_on_legal_hold: Mapped[bool] = mapped_column(default=False)
    legal_hold_reason: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    producing_document = relationship("Document", foreign_keys=[producing_document_id])
    #: Roles that may see records of a confidential type.
    allowed_roles = relationship("Role", secondary=record_type_roles, order_by="Role.id")

    def __repr__(self) -> str:
        return f"<RecordType {self.code}>"

    @property
    def disposition_label(self) -> str:
        return DISPOSITIONS.get(self.disposition, self.disposition)

    @property
    def is_permanent(self) -> bool:
        return self.disposition == "permanent"

    @property
    def retention_months_total(self) -> int:
        return (self.retention_years or 0) * 12 + (self.retention_months or 0)

    @property
    def retention_label(self) -> str:
        """Return ``5 años 6 meses`` or ``Permanente``."""
        if self.is_permanent:
            return "Permanente"
        parts = []
        if self.retention_years:
            parts.append(f"{self.retention_years} año{'s' if self.retention_years != 1 else ''}")
        if self.retention_months:
            parts.append(f"{self.retention_months} mes{'es' if self.retention_months != 1 else ''}")
        return " ".join(parts) or "Sin plazo (0 meses)"

    def retention_until(self, record_date: date) -> date | None:
        """Return the last day a record dated ``record_date`` must be kept (None: forever)."""
        if self.is_permanent or record_date is None:
            return None
        return add_months(record_date, self.retention_months_total)


class Record(db.Model):
    __tablename__ = "records"
    __table_args__ = (sa.Index("ix_records_source", "source_kind", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``INF-AUD-2026-003``: the type's code, the record's year and a number never reused.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("record_types.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(250))
    #: The date the record was produced (retention counts from it).
    record_date: Mapped[date] = mapped_column(sa.Date, index=True)
    process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("processes.id"))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: record_date + the type's retention period; None for permanent records.
    retention_until: Mapped[date | None] = mapped_column(sa.Date, index=True)
    state: Mapped[str] = mapped_column(sa.String(20), default="active", index=True)
    is_on_legal_hold: Mapped[bool] = mapped_column(default=False)
    legal_hold_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The module object that produced it (``audit`` 12), when another module registered it.
    source_kind: Mapped[str | None] = mapped_column(sa.String(30))
    source_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Changes with every change of the record (search fingerprint).
    revision: Mapped[int] = mapped_column(default=1)

    type: Mapped[RecordType] = relationship(lazy="joined")
    process = relationship("Process")
    region = relationship("Region")
    owner = relationship("User", foreign_keys=[owner_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    files: Mapped[list["RecordFile"]] = relationship(back_populates="record", order_by="RecordFile.position")
    documents = relationship("Document", secondary=record_documents, order_by="Document.code")
    links: Mapped[list["RecordLink"]] = relationship(
        back_populates="record", order_by="RecordLink.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Record {self.code}>"

    @property
    def state_label(self) -> str:
        return RECORD_STATES.get(self.state, self.state)

    @property
    def state_tone(self) -> str:
        return RECORD_STATES.tone(self.state)

    @property
    def current_files(self) -> list["RecordFile"]:
        return [f for f in self.files if f.status != "destroyed"]


class RecordFile(db.Model):
    """One file of a record: a pointer to a StoredFile, added once and never replaced."""

    __tablename__ = "record_files"
    __table_args__ = (sa.UniqueConstraint("record_id", "position", name="uq_record_files_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id"), index=True)
    #: 1, 2, ... in the order they were added.
    position: Mapped[int]
    #: The stored file's SHA-256. Not a foreign key: after a disposition the stored file
    #: may be gone while this row keeps the checksum of what was destroyed.
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    #: Detected from the content, never taken from the client.
    content_type: Mapped[str] = mapped_column(sa.String(120))
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Why it was added (required for every file after the first).
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: stored / archived / destroyed.
    status: Mapped[str] = mapped_column(sa.String(20), default="stored")

    record: Mapped[Record] = relationship(back_populates="files")
    added_by = relationship("User")

    def __repr__(self) -> str:
        return f"<RecordFile {self.record_id}#{self.position} {self.sha256[:12]}>"


class RecordLink(db.Model):
    """A link to an object of another module (audit, action, nonconformity, ...), by kind and id."""

    __tablename__ = "record_links"
    __table_args__ = (sa.UniqueConstraint("record_id", "kind", "object_id", name="uq_record_links"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    object_id: Mapped[int]
    #: What the other module calls it ("AUD-2026-03"), kept for display.
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    record: Mapped[Record] = relationship(back_populates="links")

    @property
    def kind_label(self) -> str:
        return LINK_KINDS.get(self.kind, self.kind)


class DispositionBatch(db.Model):
    """A disposition proposed by the committee and signed (or rejected) by an approver."""

    __tablename__ = "disposition_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``DISP-2026-01``.
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    state: Mapped[str] = mapped_column(sa.String(20), default="proposed", index=True)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: Name and position of the approver at signing time, as printed on the certificate.
    decided_by_name: Mapped[str] = mapped_column(sa.String(160), default="")
    decided_by_position: Mapped[str] = mapped_column(sa.String(160), default="")
    #: SHA-256 of the canonical list of what was signed (records and file checksums).
    signed_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: The disposition certificate (Word), in the file store.
    certificate_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    items: Mapped[list["DispositionItem"]] = relationship(
        back_populates="batch", order_by="DispositionItem.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<DispositionBatch {self.code} {self.state}>"

    @property
    def state_label(self) -> str:
        return BATCH_STATES.get(self.state, self.state)

    @property
    def state_tone(self) -> str:
        return BATCH_STATES.tone(self.state)


class DispositionItem(db.Model):
    __tablename__ = "disposition_items"
    __table_args__ = (sa.UniqueConstraint("batch_id", "record_id", name="uq_disposition_items"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("disposition_batches.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id"), index=True)
    #: destroy / archive, taken from the type when proposed.
    action: Mapped[str] = mapped_column(sa.String(20))

    batch: Mapped[DispositionBatch] = relationship(back_populates="items")
    record: Mapped[Record] = relationship()

    @property
    def action_label(self) -> str:
        return DISPOSITIONS.get(self.action, self.action)


class RecordTombstone(db.Model):
    """What remains of a disposed record: what it was, when, who approved, the checksums."""

    __tablename__ = "record_tombstones"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id"), unique=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("disposition_batches.id"), index=True)
    record_code: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(250))
    type_code: Mapped[str] = mapped_column(sa.String(20))
    type_name: Mapped[str] = mapped_column(sa.String(200))
    record_date: Mapped[date] = mapped_column(sa.Date)
    retention_until: Mapped[date | None] = mapped_column(sa.Date)
    #: destroy / archive.
    action: Mapped[str] = mapped_column(sa.String(20))
    executed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_name: Mapped[str] = mapped_column(sa.String(160), default="")
    #: ``[{"filename", "sha256", "size", "content_type", "physically_deleted"}]``.
    files: Mapped[list] = mapped_column(sa.JSON, default=list)

    batch = relationship("DispositionBatch")

    def __repr__(self) -> str:
        return f"<RecordTombstone {self.record_code}>"

    @property
    def action_label(self) -> str:
        return DISPOSITIONS.get(self.action, self.action)


class ImmutableRecordFileError(RuntimeError):
    """Raised when code tries to replace or delete a record's file."""


#: Columns of a record file that may change: its status, set by a disposition.
_FILE_MUTABLE = frozenset({"status"})


@event.listens_for(Session, "before_flush")
def _guard_record_files(session, _flush_context, _instances):
    """Refuse, at the model level, replacing a record's file or deleting its row."""
    for obj in session.dirty:
        if isinstance(obj, RecordFile):
            state = inspect(obj)
            for attr in state.mapper.column_attrs:
                if attr.key not in _FILE_MUTABLE and state.attrs[attr.key].history.has_changes():
                    raise ImmutableRecordFileError(f"los archivos de un registro no se reemplazan ({attr.key})")
        if isinstance(obj, RecordTombstone):
            raise ImmutableRecordFileError("las constancias de disposición no se modifican")
    for obj in session.deleted:
        if isinstance(obj, RecordFile):
            raise ImmutableRecordFileError("los archivos de un registro no se eliminan")
        if isinstance(obj, RecordTombstone):
            raise ImmutableRecordFileError("las constancias de disposición no se eliminan")
