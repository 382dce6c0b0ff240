"""Controlled documents: types, documents, versions, signatures, acknowledgements."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

#: State -> Spanish label.
STATES = {
    "draft": "Borrador",
    "returned": "Devuelto",
    "in_review": "En revisión",
    "in_approval": "En aprobación",
    "approved": "Aprobado",
    "effective": "Vigente",
    "obsolete": "Obsoleto",
    "withdrawn": "Anulado",
}
#: States whose content can no longer change.
LOCKED_STATES = frozenset({"approved", "effective", "obsolete", "withdrawn"})
#: States in which the author may still edit the content.
EDITABLE_STATES = frozenset({"draft", "returned"})

#: Columns a version may still change once locked: its lifecycle, nothing of its content.
LIFECYCLE_COLUMNS = frozenset(
    {"state", "effective_at", "obsolete_at", "withdrawn_at", "withdrawn_reason", "obsolete_output_sha256", "lock_version",
     # A periodic review without changes moves the next review date, not the content.
     "review_due"}
)

SIGNATURE_MEANINGS = {
    "authored": "Elaboró",
    "reviewed": "Revisó",
    "approved": "Aprobó",
    "returned": "Devolvió",
}

document_regions = sa.Table(
    "document_regions",
    db.metadata,
    sa.Column("document_id", sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("region_code", sa.ForeignKey("regions.code"), primary_key=True),
)

#: People the quality committee added as co-authors of a draft (besides whoever created it).
version_coauthors = sa.Table(
    "version_coauthors",
    db.metadata,
    sa.Column("version_id", sa.ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)

#: Authors who saved content into a version: they are its «Elaboró».
version_contributors = sa.Table(
    "version_contributors",
    db.metadata,
    sa.Column("version_id", sa.ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)

version_references = sa.Table(
    "version_references",
    db.metadata,
    sa.Column("version_id", sa.ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), primary_key=True),
)


class DocumentType(db.Model):
    __tablename__ = "document_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Code prefix: MC, PR, IT, FO, PL, PG, PO, DE.
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    #: How codes are built: ``{type}``, ``{process}`` and ``{seq:02}`` are replaced.
    code_pattern: Mapped[str] = mapped_column(sa.String(60))
    #: Word template file name under document_templates/.
    template_name: Mapped[str] = mapped_column(sa.String(80), default="")
    #: Sections: ``[{"key": "objetivo", "number": "1", "title": "Objetivo", "hint": "..."}]``.
    sections: Mapped[list] = mapped_column(sa.JSON, default=list)
    review_period_months: Mapped[int] = mapped_column(default=24)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<DocumentType {self.code}>"


class Document(db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique and never reused, even after withdrawal.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: The title of the latest version (each version keeps its own).
    title: Mapped[str] = mapped_column(sa.String(250))
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("document_types.id"))
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("processes.id"))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    type: Mapped[DocumentType] = relationship(lazy="joined")
    process = relationship("Process", lazy="joined")
    owner = relationship("User", foreign_keys=[owner_id])
    regions = relationship("Region", secondary=document_regions, order_by="Region.position")
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.number", foreign_keys="DocumentVersion.document_id"
    )
    distribution: Mapped[list["DistributionEntry"]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Document {self.code}>"

    @property
    def effective_version(self) -> "DocumentVersion | None":
        return next((v for v in self.versions if v.state == "effective"), None)

    @property
    def latest_version(self) -> "DocumentVersion | None":
        return self.versions[-1] if self.versions else None


class DocumentVersion(db.Model):
    __tablename__ = "document_versions"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "number", name="uq_document_versions_number",
                            info={"conflict": "Otra persona inició al mismo tiempo una nueva versión de este "
                                              "documento; revise la versión en preparación."}),
        # At most one version in force per document, whatever the code above does.
        sa.Index("uq_document_versions_one_effective", "document_id", unique=True,
                 postgresql_where=sa.text("state = 'effective'"), sqlite_where=sa.text("state = 'effective'"),
                 info={"conflict": "Otra versión de este documento entró en vigencia al mismo tiempo; "
                                   "revise su estado actual."}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    number: Mapped[int]
    state: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    title: Mapped[str] = mapped_column(sa.String(250))
    #: Section key -> Markdown text (browser authoring).
    sections: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    change_description: Mapped[str] = mapped_column(sa.Text, default="")
    #: ``browser`` (sections) or ``word`` (an uploaded .docx is the content).
    authoring_mode: Mapped[str] = mapped_column(sa.String(10), default="browser")
    #: The uploaded Word file, when authored in Word.
    source_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: Text extracted from the uploaded file, for search and compare.
    source_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: Short code printed on every copy; ``/verificar/<code>`` tells if it is in force.
    verification_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The date it takes (or took) effect, chosen on approval.
    effective_date: Mapped[date | None] = mapped_column(sa.Date)
    #: Effective date + the type's review period.
    review_due: Mapped[date | None] = mapped_column(sa.Date, index=True)
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    obsolete_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The official Word file generated once on approval.
    output_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: Which template (name and version) and which data produced it.
    output_template: Mapped[str] = mapped_column(sa.String(120), default="")
    output_data_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: The copy marked OBSOLETO, generated once when the version is superseded.
    obsolete_output_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: Optimistic lock: a save based on an older counter is refused.
    lock_version: Mapped[int] = mapped_column(default=1)

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    references = relationship("Document", secondary=version_references, order_by="Document.code")
    #: Record types the procedure produces (the association table belongs to the records module).
    record_types = relationship("RecordType", secondary="document_version_record_types", order_by="RecordType.code")
    signatures: Mapped[list["Signature"]] = relationship(back_populates="version", order_by="Signature.signed_at")
    coauthors = relationship("User", secondary=version_coauthors, order_by="User.full_name")
    contributors = relationship("User", secondary=version_contributors, order_by="User.full_name")
    reviews: Mapped[list["PeriodicReview"]] = relationship(back_populates="version", order_by="PeriodicReview.signed_at")
    #: Signatures on paper of an imported version (never electronic ones).
    historical_signatures: Mapped[list["HistoricalSignature"]] = relationship(
        back_populates="version", order_by="HistoricalSignature.id")

    __mapper_args__ = {"version_id_col": lock_version}

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.document_id} v{self.number} {self.state}>"

    @property
    def label(self) -> str:
        """Return ``Versión 01``."""
        return f"Versión {self.number:02d}"

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def is_locked(self) -> bool:
        return self.state in LOCKED_STATES

    def historical_signature(self, meaning: str) -> "HistoricalSignature | None":
        """Return the paper signature with ``meaning`` of an imported version."""
        return next((s for s in self.historical_signatures if s.meaning == meaning), None)

    def signature(self, meaning: str) -> "Signature | None":
        """Return the latest signature with ``meaning``."""
        found = [s for s in self.signatures if s.meaning == meaning]
        return found[-1] if found else None


class Signature(db.Model):
    """An electronic signature: who signed what content, meaning what, and when."""

    __tablename__ = "signatures"
    __table_args__ = (
        # A version is approved once (a version sent back is signed «returned», not «approved»;
        # authors and reviewers may sign again after a return, so only approval is unique).
        sa.Index("uq_signatures_one_approval", "version_id", unique=True,
                 postgresql_where=sa.text("meaning = 'approved'"), sqlite_where=sa.text("meaning = 'approved'"),
                 info={"conflict": "Otra persona aprobó esta versión al mismo tiempo; revise su estado actual."}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("document_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: authored / reviewed / approved / returned.
    meaning: Mapped[str] = mapped_column(sa.String(20))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: SHA-256 of the canonical content that was signed.
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Name and position at signing time, as they are printed.
    signer_name: Mapped[str] = mapped_column(sa.String(160))
    signer_position: Mapped[str] = mapped_column(sa.String(160), default="")

    version: Mapped[DocumentVersion] = relationship(back_populates="signatures")
    user = relationship("User")

    @property
    def meaning_label(self) -> str:
        return SIGNATURE_MEANINGS.get(self.meaning, self.meaning)


class HistoricalSignature(db.Model):
    """A signature on paper, copied from an imported register: a «registro histórico».

    Never an electronic signature: nobody signed it here, so it has no user and no
    content hash. It names who signed on paper and when, and who imported it and when.
    """

    __tablename__ = "historical_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("document_versions.id"), index=True)
    #: authored / reviewed / approved.
    meaning: Mapped[str] = mapped_column(sa.String(20))
    #: The name as written on paper.
    signer_name: Mapped[str] = mapped_column(sa.String(160))
    #: The date on paper (may be unknown).
    signed_on: Mapped[date | None] = mapped_column(sa.Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    version: Mapped[DocumentVersion] = relationship(back_populates="historical_signatures")
    imported_by = relationship("User")

    def __repr__(self) -> str:
        return f"<HistoricalSignature v{self.version_id} {self.meaning} {self.signer_name}>"

    @property
    def meaning_label(self) -> str:
        return SIGNATURE_MEANINGS.get(self.meaning, self.meaning)


class DistributionEntry(db.Model):
    """Who must read a document's effective version: a role or a unit."""

    __tablename__ = "distribution_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    role_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roles.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))

    document: Mapped[Document] = relationship(back_populates="distribution")
    role = relationship("Role")
    unit = relationship("Unit")

    @property
    def label(self) -> str:
        return f"Rol: {self.role.label}" if self.role else f"Unidad: {self.unit.name}"


class DefaultDistribution(db.Model):
    """Who must read new documents of a type or of a process, unless the committee changes it."""

    __tablename__ = "default_distribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Exactly one of type and process says what the entry is the default of.
    type_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document_types.id"), index=True)
    process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("processes.id"), index=True)
    role_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roles.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))

    role = relationship("Role")
    unit = relationship("Unit")

    def __repr__(self) -> str:
        return f"<DefaultDistribution type={self.type_id} process={self.process_id}>"


class PeriodicReview(db.Model):
    """A signed «revisado, sin cambios»: the effective version was reviewed and stays as it is."""

    __tablename__ = "periodic_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("document_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    comment: Mapped[str] = mapped_column(sa.Text)
    #: The review date it discharged and the next one it set.
    previous_due: Mapped[date | None] = mapped_column(sa.Date)
    next_due: Mapped[date] = mapped_column(sa.Date)
    #: Name and position at signing time, as they are shown.
    signer_name: Mapped[str] = mapped_column(sa.String(160))
    signer_position: Mapped[str] = mapped_column(sa.String(160), default="")
    #: SHA-256 of the content that was reviewed (the version's canonical content).
    content_sha256: Mapped[str] = mapped_column(sa.String(64))

    version: Mapped[DocumentVersion] = relationship(back_populates="reviews")

    def __repr__(self) -> str:
        return f"<PeriodicReview v{self.version_id} {self.next_due}>"


class Acknowledgement(db.Model):
    """A toma de conocimiento: who read which effective version, and when."""

    __tablename__ = "acknowledgements"
    __table_args__ = (sa.UniqueConstraint("version_id", "user_id", name="uq_acknowledgements_version_user",
                                          info={"conflict": "Usted ya tomó conocimiento de esta versión."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("document_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    version = relationship("DocumentVersion")
    user = relationship("User")


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change the content of an approved version."""


def _original_state(version: DocumentVersion) -> str:
    history = inspect(version).attrs.state.history
    if history.deleted:
        return history.deleted[0]
    return version.state


@event.listens_for(Session, "before_flush")
def _guard_locked_versions(session, _flush_context, _instances):
    """Refuse, at the model level, any change to a locked version's content."""
    for obj in session.dirty:
        if isinstance(obj, DocumentVersion) and _original_state(obj) in LOCKED_STATES:
            state = inspect(obj)
            for attr in state.mapper.column_attrs:
                if attr.key in LIFECYCLE_COLUMNS:
                    continue
                if state.attrs[attr.key].history.has_changes():
                    raise ImmutableVersionError(f"la versión aprobada no puede cambiar ({attr.key})")
            for rel in ("references", "record_types", "coauthors", "contributors"):
                if state.attrs[rel].history.has_changes():
                    raise ImmutableVersionError(f"la versión aprobada no puede cambiar ({rel})")
        if isinstance(obj, (Signature, HistoricalSignature)):
            raise ImmutableVersionError("las firmas no se modifican")
    for obj in session.deleted:
        if isinstance(obj, DocumentVersion) and _original_state(obj) in LOCKED_STATES:
            raise ImmutableVersionError("la versión aprobada no puede eliminarse")
        if isinstance(obj, (Signature, HistoricalSignature)):
            raise ImmutableVersionError("las firmas no se eliminan")
