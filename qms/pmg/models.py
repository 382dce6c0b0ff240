"""The PMG quality programme: reference objectives per programme year, the yearly commitment,
the diagnosis, the certification scope, the three-year plan, the annual work programme and the
evidence (medios de verificación) uploaded where QMS does not produce it."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.core.states import State, StateMap
from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

STAGES = {1: "Etapa 1", 2: "Etapa 2", 3: "Etapa 3", 4: "Etapa 4"}
#: What an objective's state is, computed from its evidence (never stored).
OBJECTIVE_STATES = StateMap(
    State("met", "Cumplido", "success"),
    State("ongoing", "En curso", "warning"),
    State("pending", "Pendiente", "danger"),
)
#: The kinds of evidence an objective may ask for; QMS binds all but ``upload`` by itself.
EVIDENCE_KINDS = {
    "diagnosis": "Diagnóstico por proceso frente a la norma (registrado en QMS)",
    "scope": "Alcance de la certificación con los fundamentos de lo excluido (registrado en QMS)",
    "plan": "Plan trienal por proceso y región (registrado en QMS)",
    "programme": "Programa de trabajo anual aprobado y su avance (registrado en QMS)",
    "manual_procedures": "Manual de la Calidad y procedimientos vigentes, con sus fechas",
    "internal_audits": "Programa de auditorías del año aprobado e informes de auditoría",
    "capa": "Informes de acciones correctivas y preventivas del año",
    "management_review": "Acta aprobada de la revisión por la dirección del año",
    "certificate": "Certificado del organismo certificador (registro «Certificado ISO 9001»)",
    "upload": "Medio de verificación cargado como registro",
}
ASSESSMENT_RATINGS = StateMap(
    State("meets", "Cumple", "success"),
    State("partial", "Cumple parcialmente", "warning"),
    State("fails", "No cumple", "danger"),
    State("not_applicable", "No aplica", "secondary"),
)
PROGRAMME_STATES = StateMap(State("draft", "Borrador", "secondary"), State("approved", "Aprobado", "success"))
ACTIVITY_STATES = StateMap(
    State("pending", "Por iniciar", "secondary"),
    State("in_progress", "En ejecución", "primary"),
    State("done", "Terminada", "success"),
)
#: What an activity may name: its completion follows that object's state.
LINK_KINDS = {
    "": "Ninguno",
    "document": "Documento por elaborar o revisar",
    "audit": "Auditoría",
    "action": "Acción correctiva / preventiva",
    "review": "Revisión por la dirección",
}


class PmgObjective(db.Model):
    """One objective of a stage of the Sistema de Gestión de la Calidad, for one programme year."""

    __tablename__ = "pmg_objectives"
    __table_args__ = (sa.UniqueConstraint("year", "number", name="uq_pmg_objectives_year_number",
                                          info={"conflict": "Ese número de objetivo ya existe en el año."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The programme year (the PMG's technical document changes every year).
    year: Mapped[int] = mapped_column(index=True)
    #: 1..4 (Etapa).
    stage: Mapped[int]
    #: The objective's number in the programme (1..15 in the technical document).
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(250))
    #: The technical requirements, in our words.
    requirements: Mapped[str] = mapped_column(sa.Text, default="")
    #: Keys of EVIDENCE_KINDS that verify it.
    evidence_kinds: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Edited by the committee: each change adds one (trailed with before and after).
    revision: Mapped[int] = mapped_column(default=1)

    def __repr__(self) -> str:
        return f"<PmgObjective {self.year} {self.number}>"

    @property
    def code(self) -> str:
        """``SGC-2026-E3-11``: how the report names each medio de verificación's objective."""
        return f"SGC-{self.year}-E{self.stage}-{self.number:02d}"

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, str(self.stage))


class PmgCommitment(db.Model):
    """The stage the institution committed to for a year."""

    __tablename__ = "pmg_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True, info={"conflict": "Ese año ya tiene su compromiso."})
    stage: Mapped[int]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    committed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    committed_by = relationship("User")

    def __repr__(self) -> str:
        return f"<PmgCommitment {self.year} E{self.stage}>"

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, str(self.stage))


class PmgEvidence(db.Model):
    """A record uploaded as the medio de verificación of an objective."""

    __tablename__ = "pmg_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(sa.ForeignKey("pmg_objectives.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id"), index=True)
    #: Which of the objective's kinds of evidence it proves (EVIDENCE_KINDS), when QMS has not got it.
    kind: Mapped[str] = mapped_column(sa.String(20), default="upload", server_default="upload")
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    objective: Mapped[PmgObjective] = relationship()
    record = relationship("Record")

    def __repr__(self) -> str:
        return f"<PmgEvidence {self.objective_id} {self.record_id}>"


class PmgAssessment(db.Model):
    """One line of the diagnosis: a process against one ISO 9001:2015 clause, in a year."""

    __tablename__ = "pmg_assessments"
    __table_args__ = (sa.UniqueConstraint("year", "process_id", "clause_number", name="uq_pmg_assessments_line",
                                          info={"conflict": "Esa cláusula ya está evaluada para el proceso."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("processes.id"), index=True)
    clause_number: Mapped[str] = mapped_column(sa.ForeignKey("iso_clauses.number"))
    #: meets / partial / fails / not_applicable.
    rating: Mapped[str] = mapped_column(sa.String(20))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    gap: Mapped[str] = mapped_column(sa.Text, default="")
    #: The work-programme activity raised to close the gap, if any.
    activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pmg_activities.id"))
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    process = relationship("Process")
    clause = relationship("IsoClause")
    activity = relationship("PmgActivity")

    def __repr__(self) -> str:
        return f"<PmgAssessment {self.year} {self.process_id} {self.clause_number} {self.rating}>"

    @property
    def rating_label(self) -> str:
        return ASSESSMENT_RATINGS.label(self.rating)

    @property
    def has_gap(self) -> bool:
        return self.rating in ("partial", "fails")


class PmgScopeEntry(db.Model):
    """A process inside or outside the year's certification scope (outside: with the reason)."""

    __tablename__ = "pmg_scope"
    __table_args__ = (sa.UniqueConstraint("year", "process_id", name="uq_pmg_scope_year_process",
                                          info={"conflict": "Otra persona guardó el alcance del año al mismo "
                                                            "tiempo; revise el alcance vigente."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("processes.id"))
    is_included: Mapped[bool] = mapped_column(default=True)
    #: Why it is left out (required then).
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The regions the scope extends to this year (empty: the central level only).
    region_codes: Mapped[list] = mapped_column(sa.JSON, default=list)

    process = relationship("Process")

    def __repr__(self) -> str:
        return f"<PmgScopeEntry {self.year} {self.process_id} {'in' if self.is_included else 'out'}>"


class PmgPlanEntry(db.Model):
    """A line of the three-year plan: a process to certify in a year, at the central level or a region."""

    __tablename__ = "pmg_plan"
    __table_args__ = (sa.UniqueConstraint("year", "process_id", "region_code", name="uq_pmg_plan_line",
                                          info={"conflict": "Esa línea ya está en el plan."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("processes.id"))
    #: "" is the central level (nivel central).
    region_code: Mapped[str] = mapped_column(sa.String(8), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    process = relationship("Process")

    def __repr__(self) -> str:
        return f"<PmgPlanEntry {self.year} {self.process_id} {self.region_code}>"


class WorkProgramme(db.Model):
    """The annual work programme, approved with a signature by the head of service."""

    __tablename__ = "pmg_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True, info={"conflict": "Ese año ya tiene programa de trabajo."})
    #: draft / approved.
    state: Mapped[str] = mapped_column(sa.String(12), default="draft")
    #: Counts the changes made after approval (each a trailed revision).
    revision: Mapped[int] = mapped_column(default=0)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    approved_by = relationship("User")
    activities: Mapped[list["PmgActivity"]] = relationship(
        back_populates="programme", order_by="PmgActivity.number", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<WorkProgramme {self.year} {self.state}>"

    @property
    def state_label(self) -> str:
        return PROGRAMME_STATES.label(self.state)

    @property
    def is_approved(self) -> bool:
        return self.state == "approved"


class PmgActivity(db.Model):
    """One activity of the work programme: what, who, when, how far, and the object it names."""

    __tablename__ = "pmg_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("pmg_programmes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(250))
    #: Empty while drafting; the programme cannot be approved so.
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    #: pending / in_progress / done, as entered; a linked object's state overrides it when done.
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    #: 0..100, as entered.
    progress: Mapped[int] = mapped_column(default=0)
    #: "" / document / audit / action / review (LINK_KINDS).
    link_kind: Mapped[str] = mapped_column(sa.String(12), default="")
    link_id: Mapped[int | None]
    #: The PMG objective the activity serves (optional).
    objective_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pmg_objectives.id"))

    programme: Mapped[WorkProgramme] = relationship(back_populates="activities")
    responsible = relationship("User")
    objective = relationship("PmgObjective")

    def __repr__(self) -> str:
        return f"<PmgActivity {self.programme_id} {self.number}>"
