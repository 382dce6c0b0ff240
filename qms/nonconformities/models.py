"""Nonconforming outputs (producto / servicio no conforme, PNC)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.core.states import State, StateMap
from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

OUTPUT_KINDS = {"product": "Producto", "service": "Servicio"}
TREATMENTS = {
    "correction": "Corrección",
    "concession": "Concesión",
    "rework": "Reproceso",
    "suspension": "Suspensión",
    "user_information": "Información al usuario",
}
PNC_STATES = StateMap(
    State("reported", "Informado", "warning"),
    State("treated", "Tratado (por re-verificar)", "info"),
    State("closed", "Cerrado", "success"),
    State("withdrawn", "Anulado", "dark"),
)
REVERIFICATION_RESULTS = {"conforming": "Conforme", "nonconforming": "Sigue no conforme"}


class Nonconformity(db.Model):
    __tablename__ = "nonconformities"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``PNC-2026-007``: per year, never reused.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    output_kind: Mapped[str] = mapped_column(sa.String(10), default="service")
    #: The product or service that did not conform.
    product: Mapped[str] = mapped_column(sa.String(250))
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("processes.id"), index=True)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    description: Mapped[str] = mapped_column(sa.Text)
    detected_on: Mapped[date] = mapped_column(sa.Date)
    detected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The treatment must be decided by this date (overdue afterwards).
    treatment_due: Mapped[date] = mapped_column(sa.Date, index=True)
    #: reported / treated / closed.
    state: Mapped[str] = mapped_column(sa.String(20), default="reported", index=True)
    treatment: Mapped[str] = mapped_column(sa.String(20), default="")
    #: What was done with the output (disposition).
    disposition: Mapped[str] = mapped_column(sa.Text, default="")
    authorised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: When the authoriser signed the treatment with their password; None while only
    #: registered by the committee (the report then says "registrado por", not a signature).
    authorisation_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who registered the treatment (the committee member who filled in the form).
    treatment_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    treated_on: Mapped[date | None] = mapped_column(sa.Date)
    reverification_result: Mapped[str] = mapped_column(sa.String(20), default="")
    reverification_notes: Mapped[str] = mapped_column(sa.Text, default="")
    reverified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reverified_on: Mapped[date | None] = mapped_column(sa.Date)
    closure_notes: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A PNC reported by mistake is withdrawn (kept, never deleted): why, when, by whom.
    withdrawn_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The corrective action, when the cause is systemic.
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    report_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    report_record_id: Mapped[int | None] = mapped_column()

    process = relationship("Process")
    region = relationship("Region")
    detected_by = relationship("User", foreign_keys=[detected_by_id])
    authorised_by = relationship("User", foreign_keys=[authorised_by_id])
    treatment_recorded_by = relationship("User", foreign_keys=[treatment_recorded_by_id])
    reverified_by = relationship("User", foreign_keys=[reverified_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])
    action = relationship("Action", foreign_keys=[action_id])

    def __repr__(self) -> str:
        return f"<Nonconformity {self.code} {self.state}>"

    @property
    def state_label(self) -> str:
        return PNC_STATES.get(self.state, self.state)

    @property
    def state_tone(self) -> str:
        return PNC_STATES.tone(self.state)

    @property
    def is_withdrawn(self) -> bool:
        return self.state == "withdrawn"

    @property
    def is_authorisation_signed(self) -> bool:
        return self.authorisation_signed_at is not None

    @property
    def treatment_label(self) -> str:
        return TREATMENTS.get(self.treatment, "")

    @property
    def output_kind_label(self) -> str:
        return OUTPUT_KINDS.get(self.output_kind, self.output_kind)
