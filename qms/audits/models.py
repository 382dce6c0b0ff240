"""Internal audits: the yearly programme, audits, checklists, findings and the question library."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.core.states import State, StateMap
from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

AUDIT_TYPES = {
    "internal": "Interna",
    "certification": "Externa de certificación",
    "follow_up": "Seguimiento",
}
AUDIT_STATES = StateMap(
    State("planned", "Planificada", "secondary"),
    State("in_progress", "En ejecución", "primary"),
    State("reported", "Informada", "info"),
    State("closed", "Cerrada", "success"),
)
PROGRAMME_STATES = StateMap(State("draft", "Borrador", "secondary"), State("approved", "Aprobado", "success"))
CHECKLIST_RESULTS = {
    "": "Sin responder",
    "conforming": "Conforme",
    "nonconforming": "No conforme",
    "observation": "Observación",
    "not_applicable": "No aplica",
}
FINDING_KINDS = {
    "nc_major": "No conformidad mayor",
    "nc_minor": "No conformidad menor",
    "observation": "Observación",
    "opportunity": "Oportunidad de mejora",
}
#: Finding kinds that require a corrective action.
NONCONFORMITY_KINDS = frozenset({"nc_major", "nc_minor"})

audit_processes = sa.Table(
    "audit_processes",
    db.metadata,
    sa.Column("audit_id", sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("process_id", sa.ForeignKey("processes.id"), primary_key=True),
)
audit_regions = sa.Table(
    "audit_regions",
    db.metadata,
    sa.Column("audit_id", sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("region_code", sa.ForeignKey("regions.code"), primary_key=True),
)
audit_clauses = sa.Table(
    "audit_clauses",
    db.metadata,
    sa.Column("audit_id", sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("clause_number", sa.ForeignKey("iso_clauses.number"), primary_key=True),
)
audit_team = sa.Table(
    "audit_team",
    db.metadata,
    sa.Column("audit_id", sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)
audit_auditees = sa.Table(
    "audit_auditees",
    db.metadata,
    sa.Column("audit_id", sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)


class AuditProgramme(db.Model):
    """The yearly audit programme, drafted by the committee and approved by the head of service."""

    __tablename__ = "audit_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One programme per year.
    year: Mapped[int] = mapped_column(unique=True)
    objective: Mapped[str] = mapped_column(sa.Text, default="")
    #: draft / approved.
    state: Mapped[str] = mapped_column(sa.String(20), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    items: Mapped[list["ProgrammeItem"]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeItem.planned_month"
    )

    def __repr__(self) -> str:
        return f"<AuditProgramme {self.year} {self.state}>"

    @property
    def state_label(self) -> str:
        return PROGRAMME_STATES.get(self.state, self.state)

    @property
    def state_tone(self) -> str:
        return PROGRAMME_STATES.tone(self.state)


class ProgrammeItem(db.Model):
    """One audit planned in the programme: a process (and region) in a month."""

    __tablename__ = "audit_programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_programmes.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("processes.id"))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    #: 1..12.
    planned_month: Mapped[int] = mapped_column(default=1)
    audit_type: Mapped[str] = mapped_column(sa.String(20), default="internal")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    programme: Mapped[AuditProgramme] = relationship(back_populates="items")
    process = relationship("Process")
    region = relationship("Region")
    audits: Mapped[list["Audit"]] = relationship(back_populates="programme_item")

    def __repr__(self) -> str:
        return f"<ProgrammeItem {self.programme_id} {self.process_id} m{self.planned_month}>"


class Audit(db.Model):
    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``AUD-2026-03``: per year, never reused.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    audit_type: Mapped[str] = mapped_column(sa.String(20), default="internal")
    title: Mapped[str] = mapped_column(sa.String(250))
    objective: Mapped[str] = mapped_column(sa.Text, default="")
    #: planned / in_progress / reported / closed.
    state: Mapped[str] = mapped_column(sa.String(20), default="planned", index=True)
    programme_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audit_programme_items.id"))
    lead_auditor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    planned_start: Mapped[date] = mapped_column(sa.Date)
    planned_end: Mapped[date] = mapped_column(sa.Date)
    actual_start: Mapped[date | None] = mapped_column(sa.Date)
    actual_end: Mapped[date | None] = mapped_column(sa.Date)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    conclusions: Mapped[str] = mapped_column(sa.Text, default="")
    #: The Word report generated when the audit was reported (immutable, in the file store).
    report_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: The record registered for the report, when the records module is available.
    report_record_id: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lead_auditor = relationship("User", foreign_keys=[lead_auditor_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    programme_item: Mapped[ProgrammeItem | None] = relationship(back_populates="audits")
    processes = relationship("Process", secondary=audit_processes, order_by="Process.code")
    regions = relationship("Region", secondary=audit_regions, order_by="Region.position")
    clauses = relationship("IsoClause", secondary=audit_clauses, order_by="IsoClause.position")
    team = relationship("User", secondary=audit_team, order_by="User.full_name")
    auditees = relationship("User", secondary=audit_auditees, order_by="User.full_name")
    criteria: Mapped[list["AuditCriterion"]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="AuditCriterion.id"
    )
    checklist: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="ChecklistItem.position"
    )
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="Finding.number"
    )

    def __repr__(self) -> str:
        return f"<Audit {self.code} {self.state}>"

    @property
    def state_label(self) -> str:
        return AUDIT_STATES.get(self.state, self.state)

    @property
    def state_tone(self) -> str:
        return AUDIT_STATES.tone(self.state)

    @property
    def type_label(self) -> str:
        return AUDIT_TYPES.get(self.audit_type, self.audit_type)

    @property
    def auditors(self) -> list:
        """The lead auditor and the team, without repetitions."""
        people = [self.lead_auditor] + [u for u in self.team if u.id != self.lead_auditor_id]
        return [p for p in people if p is not None]

    def is_auditor(self, user) -> bool:
        return user is not None and any(u.id == user.id for u in self.auditors)

    @property
    def unanswered_nonconformities(self) -> list["Finding"]:
        # An annulled action answers nothing: the finding needs a new one.
        return [f for f in self.findings
                if f.is_nonconformity and (f.action_id is None or f.action.state == "withdrawn")]


class AuditCriterion(db.Model):
    """A controlled document used as audit criterion, pinned to the version in force on the audit date."""

    __tablename__ = "audit_criteria"
    __table_args__ = (sa.UniqueConstraint("audit_id", "document_id", name="uq_audit_criteria_document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"))
    #: The DocumentVersion effective on the audit's (planned) start date.
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("document_versions.id"))

    audit: Mapped[Audit] = relationship(back_populates="criteria")
    document = relationship("Document")
    version = relationship("DocumentVersion")

    @property
    def label(self) -> str:
        return f"{self.document.code} {self.version.label}"


class ChecklistItem(db.Model):
    __tablename__ = "audit_checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question: Mapped[str] = mapped_column(sa.Text)
    clause_number: Mapped[str | None] = mapped_column(sa.ForeignKey("iso_clauses.number"), index=True)
    #: The criterion document the question checks, if any.
    criterion_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("processes.id"))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    #: "" (unanswered) / conforming / nonconforming / observation / not_applicable.
    result: Mapped[str] = mapped_column(sa.String(20), default="")

    audit: Mapped[Audit] = relationship(back_populates="checklist")
    clause = relationship("IsoClause")
    criterion_document = relationship("Document")
    process = relationship("Process")

    def __repr__(self) -> str:
        return f"<ChecklistItem {self.audit_id}#{self.position}>"

    @property
    def result_label(self) -> str:
        return CHECKLIST_RESULTS.get(self.result, self.result)


class QuestionBankEntry(db.Model):
    """The library of checklist questions per clause; it grows as auditors write questions."""

    __tablename__ = "audit_question_bank"
    __table_args__ = (sa.UniqueConstraint("clause_number", "question", name="uq_audit_question_bank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clause_number: Mapped[str] = mapped_column(sa.ForeignKey("iso_clauses.number"), index=True)
    question: Mapped[str] = mapped_column(sa.String(1000))
    #: How many checklists used it (most used first).
    use_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    def __repr__(self) -> str:
        return f"<QuestionBankEntry {self.clause_number}>"


class Finding(db.Model):
    """A hallazgo: nonconformity (major/minor), observation or opportunity for improvement."""

    __tablename__ = "audit_findings"
    __table_args__ = (sa.UniqueConstraint("audit_id", "number", name="uq_audit_findings_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... within the audit.
    number: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(sa.String(20))
    clause_number: Mapped[str | None] = mapped_column(sa.ForeignKey("iso_clauses.number"), index=True)
    process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("processes.id"))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    #: The requirement not met (text of the clause or of the criterion).
    requirement: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text)
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    checklist_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audit_checklist_items.id"))
    #: The corrective action raised for a nonconformity.
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    audit: Mapped[Audit] = relationship(back_populates="findings")
    clause = relationship("IsoClause")
    process = relationship("Process")
    region = relationship("Region")
    checklist_item = relationship("ChecklistItem")
    action = relationship("Action", foreign_keys=[action_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    attachments: Mapped[list["FindingAttachment"]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="FindingAttachment.id"
    )

    def __repr__(self) -> str:
        return f"<Finding {self.audit_id}#{self.number} {self.kind}>"

    @property
    def kind_label(self) -> str:
        return FINDING_KINDS.get(self.kind, self.kind)

    @property
    def is_nonconformity(self) -> bool:
        return self.kind in NONCONFORMITY_KINDS

    @property
    def label(self) -> str:
        return f"{self.audit.code} H{self.number}"


class FindingAttachment(db.Model):
    __tablename__ = "audit_finding_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_findings.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120), default="application/octet-stream")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    finding: Mapped[Finding] = relationship(back_populates="attachments")
