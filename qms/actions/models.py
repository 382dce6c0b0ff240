"""Corrective, preventive and improvement actions (CAPA).

An action runs in *cycles*: a "no eficaz" verification sends it back to analysis and
starts the next cycle; the analysis, tasks and verifications of earlier cycles stay
as they were (history), the new cycle's analysis starts as a copy of the last one.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.core.states import State, StateMap
from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

ACTION_KINDS = {"corrective": "Correctiva", "preventive": "Preventiva", "improvement": "De mejora"}
ACTION_SOURCES = {
    "finding": "Hallazgo de auditoría",
    "pnc": "Producto / servicio no conforme",
    "siac": "Reclamo SIAC",
    "review": "Revisión por la dirección",
    "indicator": "Indicador",
    "other": "Otra",
}
ACTION_STATES = StateMap(
    State("open", "Abierta", "secondary"),
    State("analysis", "En análisis", "warning"),
    State("implementing", "En implementación", "primary"),
    State("verifying", "En verificación", "info"),
    State("closed", "Cerrada", "success"),
    State("withdrawn", "Anulada", "dark"),
)
ANALYSIS_METHODS = {"five_whys": "5 porqués", "ishikawa": "Ishikawa (causa-efecto)"}
#: The six categories of an Ishikawa diagram (6M).
ISHIKAWA_CATEGORIES = {
    "method": "Métodos",
    "machine": "Maquinaria y equipos",
    "material": "Materiales",
    "manpower": "Mano de obra (personas)",
    "measurement": "Medición",
    "environment": "Medio ambiente (entorno)",
}
TASK_STATUSES = {"pending": "Pendiente", "in_progress": "En curso", "done": "Realizada", "cancelled": "Anulada"}
#: Task statuses that still need work.
OPEN_TASK_STATUSES = frozenset({"pending", "in_progress"})
VERIFICATION_RESULTS = {"effective": "Eficaz", "not_effective": "No eficaz"}


class Action(db.Model):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``AC-2026-012``: per year, never reused.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="corrective")
    #: finding / pnc / siac / review / indicator / other.
    source_kind: Mapped[str] = mapped_column(sa.String(20), default="other", index=True)
    #: Id of the source object (a Finding, a Nonconformity) when it lives in this system.
    source_id: Mapped[int | None] = mapped_column()
    #: Human reference of the source ("AUD-2026-03 H1", "SIAC 12345").
    source_ref: Mapped[str] = mapped_column(sa.String(120), default="")
    title: Mapped[str] = mapped_column(sa.String(250))
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    #: Immediate correction (contains the problem while the cause is addressed).
    correction: Mapped[str] = mapped_column(sa.Text, default="")
    process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("processes.id"), index=True)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: open / analysis / implementing / verifying / closed.
    state: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    #: Analysis cycle; "no eficaz" starts the next one.
    cycle: Mapped[int] = mapped_column(default=1)
    analysis_method: Mapped[str] = mapped_column(sa.String(20), default="")
    root_cause: Mapped[str] = mapped_column(sa.Text, default="")
    #: "¿Existen o podrían ocurrir no conformidades similares?" (the answer, with where).
    similar_nonconformities: Mapped[str] = mapped_column(sa.Text, default="")
    opened_on: Mapped[date] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: An action opened by mistake is withdrawn (kept, never deleted): why, when, by whom.
    withdrawn_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The Word report generated on closure (immutable, in the file store).
    report_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    report_record_id: Mapped[int | None] = mapped_column()

    owner = relationship("User", foreign_keys=[owner_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])
    process = relationship("Process")
    region = relationship("Region")
    whys: Mapped[list["WhyStep"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by=lambda: [WhyStep.cycle, WhyStep.position]
    )
    causes: Mapped[list["IshikawaCause"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by=lambda: [IshikawaCause.cycle, IshikawaCause.id]
    )
    tasks: Mapped[list["ActionTask"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by=lambda: [ActionTask.cycle, ActionTask.position]
    )
    verifications: Mapped[list["Verification"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="Verification.id"
    )
    amendments: Mapped[list["ActionAmendment"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionAmendment.id"
    )

    def __repr__(self) -> str:
        return f"<Action {self.code} {self.state}>"

    @property
    def state_label(self) -> str:
        return ACTION_STATES.get(self.state, self.state)

    @property
    def state_tone(self) -> str:
        return ACTION_STATES.tone(self.state)

    @property
    def kind_label(self) -> str:
        return ACTION_KINDS.get(self.kind, self.kind)

    @property
    def source_label(self) -> str:
        return ACTION_SOURCES.get(self.source_kind, self.source_kind)

    @property
    def source_prefix(self) -> str:
        """The source's kind, unless the reference already names it: «Indicador GT-02», not
        «Indicador Indicador GT-02»."""
        label, reference = self.source_label.strip(), (self.source_ref or "").strip()
        return "" if reference and reference.casefold().startswith(label.casefold()) else label

    @property
    def source_line(self) -> str:
        return " ".join(part for part in (self.source_prefix, (self.source_ref or "").strip()) if part)

    @property
    def method_label(self) -> str:
        return ANALYSIS_METHODS.get(self.analysis_method, "")

    @property
    def current_whys(self) -> list["WhyStep"]:
        return [w for w in self.whys if w.cycle == self.cycle]

    @property
    def current_causes(self) -> list["IshikawaCause"]:
        return [c for c in self.causes if c.cycle == self.cycle]

    @property
    def current_tasks(self) -> list["ActionTask"]:
        return [t for t in self.tasks if t.cycle == self.cycle]

    @property
    def open_tasks(self) -> list["ActionTask"]:
        return [t for t in self.current_tasks if t.status in OPEN_TASK_STATUSES]

    @property
    def current_verification(self) -> "Verification | None":
        found = [v for v in self.verifications if v.cycle == self.cycle]
        return found[-1] if found else None

    @property
    def is_closed(self) -> bool:
        return self.state == "closed"

    @property
    def is_withdrawn(self) -> bool:
        return self.state == "withdrawn"


class WhyStep(db.Model):
    """One row of a 5 porqués analysis: the question asked and its answer."""

    __tablename__ = "action_why_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=1)
    why: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text, default="")

    action: Mapped[Action] = relationship(back_populates="whys")


class IshikawaCause(db.Model):
    """A cause under one of the six Ishikawa categories."""

    __tablename__ = "action_ishikawa_causes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    category: Mapped[str] = mapped_column(sa.String(20))
    cause: Mapped[str] = mapped_column(sa.Text)

    action: Mapped[Action] = relationship(back_populates="causes")

    @property
    def category_label(self) -> str:
        return ISHIKAWA_CATEGORIES.get(self.category, self.category)


class ActionTask(db.Model):
    """A task of the action plan."""

    __tablename__ = "action_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(sa.Text)
    responsible_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    due_date: Mapped[date] = mapped_column(sa.Date, index=True)
    #: pending / in_progress / done / cancelled.
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    #: What was done and where the evidence is.
    evidence_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    action: Mapped[Action] = relationship(back_populates="tasks")
    responsible = relationship("User")
    evidence_files: Mapped[list["TaskEvidence"]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskEvidence.id"
    )

    def __repr__(self) -> str:
        return f"<ActionTask {self.action_id}#{self.position} {self.status}>"

    @property
    def status_label(self) -> str:
        return TASK_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES


class TaskEvidence(db.Model):
    """A file that proves a task was done (in the content-addressed store)."""

    __tablename__ = "action_task_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("action_tasks.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120), default="application/octet-stream")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    task: Mapped[ActionTask] = relationship(back_populates="evidence_files")


class Verification(db.Model):
    """An effectiveness verification; once decided, it never changes (a new cycle gets a new row)."""

    __tablename__ = "action_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    planned_date: Mapped[date] = mapped_column(sa.Date, index=True)
    #: Never the action's owner.
    verifier_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: effective / not_effective; empty while pending.
    result: Mapped[str] = mapped_column(sa.String(20), default="")
    performed_on: Mapped[date | None] = mapped_column(sa.Date)
    performed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    #: Why it was performed before ``planned_date`` (required then, empty otherwise).
    early_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    action: Mapped[Action] = relationship(back_populates="verifications")
    verifier = relationship("User", foreign_keys=[verifier_id])
    performed_by = relationship("User", foreign_keys=[performed_by_id])

    @property
    def result_label(self) -> str:
        return VERIFICATION_RESULTS.get(self.result, "Pendiente")

    @property
    def is_pending(self) -> bool:
        return not self.result

    @property
    def was_early(self) -> bool:
        return bool(self.performed_on and self.performed_on < self.planned_date)


class ActionAmendment(db.Model):
    """A change made to a closed action: who, when, why and what."""

    __tablename__ = "action_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    #: ``{field: [before, after]}``.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    action: Mapped[Action] = relationship(back_populates="amendments")
    by = relationship("User")
