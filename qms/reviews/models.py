"""Management reviews (revisión por la dirección, ISO 9001 9.3) and their decisions.

While a review is planned its input pack is compiled live from the other modules; when
it is held the pack is frozen as a snapshot (the numbers of the minutes never change when
the data changes later). Decisions (9.3.3) may raise improvement actions; approval is
signed by the head of service and produces the minutes (acta), kept as a record.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.core.states import State, StateMap
from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

REVIEW_STATES = StateMap(
    State("planned", "Planificada", "secondary"),
    State("held", "Realizada (por aprobar)", "warning"),
    State("approved", "Aprobada", "success"),
)
DECISION_KINDS = {
    "improvement": "Oportunidad de mejora",
    "qms_change": "Cambio en el sistema de gestión de la calidad",
    "resource": "Necesidad de recursos",
}


class ManagementReview(db.Model):
    __tablename__ = "management_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``RD-2026-01``: per year, never reused.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    #: The period the review covers.
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    planned_on: Mapped[date] = mapped_column(sa.Date)
    held_on: Mapped[date | None] = mapped_column(sa.Date)
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    #: ``[{"user_id", "name", "position", "attended"}]``; attendance is taken when held.
    participants: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The committee's analysis of each input: ``{input key: text}``.
    analysis: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The input pack frozen when the review was held (None while planned).
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON)
    #: planned / held / approved.
    state: Mapped[str] = mapped_column(sa.String(12), default="planned", index=True)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The minutes (acta) generated at approval (immutable, in the file store) and its record.
    acta_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    acta_record_id: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    approved_by = relationship("User", foreign_keys=[approved_by_id])
    decisions: Mapped[list["ReviewDecision"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewDecision.number")

    def __repr__(self) -> str:
        return f"<ManagementReview {self.code} {self.state}>"

    @property
    def state_label(self) -> str:
        return REVIEW_STATES.label(self.state)

    @property
    def state_tone(self) -> str:
        return REVIEW_STATES.tone(self.state)

    @property
    def attendees(self) -> list[dict]:
        return [p for p in self.participants or [] if p.get("attended")]


class ReviewDecision(db.Model):
    """An output of the review (9.3.3): what was decided, who does it, by when; maybe an action."""

    __tablename__ = "management_review_decisions"
    __table_args__ = (sa.UniqueConstraint("review_id", "number", info={
        "conflict": "Otra persona registró una decisión al mismo tiempo; recargue la página."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("management_reviews.id", ondelete="CASCADE"), index=True)
    #: D1, D2, ... within the review.
    number: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    due_date: Mapped[date] = mapped_column(sa.Date)
    #: The improvement action it raised, if any.
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    review: Mapped[ManagementReview] = relationship(back_populates="decisions")
    owner = relationship("User")
    action = relationship("Action")

    @property
    def kind_label(self) -> str:
        return DECISION_KINDS.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        return f"{self.review.code} D{self.number}"
