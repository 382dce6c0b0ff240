"""Quality objectives (ISO 9001 6.2), their indicators (9.1) and the measurements per period.

A measurement is entered by the indicator's responsible and confirmed by the committee;
once confirmed it never changes: a correction is a new revision of the same period, with
its reason, which is confirmed in turn. The current value of a period is its latest
confirmed revision. Disaggregated indicators keep one part per region and / or sex; the
measurement's totals are the sums of its parts, never typed.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.core.states import State, StateMap
from qms.db import UTCDateTime
from qms.extensions import db
from qms.indicators.periods import FREQUENCIES, Period
from qms.timeutil import now_utc

UNITS = {"percent": "%", "days": "días", "number": "número"}
DIRECTIONS = {"higher": "Mayor es mejor", "lower": "Menor es mejor"}
SEXES = {"F": "Mujeres", "M": "Hombres"}
OBJECTIVE_STATES = StateMap(
    State("active", "Vigente", "primary"),
    State("achieved", "Logrado", "success"),
    State("not_achieved", "No logrado", "danger"),
    State("withdrawn", "Anulado", "dark"),
)
MEASUREMENT_STATES = StateMap(
    State("entered", "Ingresada (por confirmar)", "warning"),
    State("confirmed", "Confirmada", "success"),
)
#: Numbers: up to 12 digits before the comma and 4 after.
NUMBER = sa.Numeric(16, 4)


class QualityObjective(db.Model):
    __tablename__ = "quality_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``OBJ-2026-01``: per year, never reused.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    statement: Mapped[str] = mapped_column(sa.Text)
    process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("processes.id"), index=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The plan to achieve it (6.2.2): what, resources, who, when, how results are evaluated.
    plan_what: Mapped[str] = mapped_column(sa.Text, default="")
    plan_resources: Mapped[str] = mapped_column(sa.Text, default="")
    plan_responsible: Mapped[str] = mapped_column(sa.Text, default="")
    plan_when: Mapped[str] = mapped_column(sa.Text, default="")
    plan_evaluation: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(20), default="active", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    process = relationship("Process")
    owner = relationship("User")
    indicators: Mapped[list["Indicator"]] = relationship(back_populates="objective", order_by="Indicator.code")

    def __repr__(self) -> str:
        return f"<QualityObjective {self.code}>"

    @property
    def state_label(self) -> str:
        return OBJECTIVE_STATES.label(self.state)

    @property
    def state_tone(self) -> str:
        return OBJECTIVE_STATES.tone(self.state)


class Indicator(db.Model):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``IND-SIAC-01``: per PMG system (or process), never reused.
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(250))
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("processes.id"), index=True)
    objective_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_objectives.id"), index=True)
    pmg_system_code: Mapped[str | None] = mapped_column(sa.ForeignKey("pmg_systems.code"))
    strategic_product: Mapped[str] = mapped_column(sa.String(250), default="")
    numerator_definition: Mapped[str] = mapped_column(sa.Text)
    #: Empty for counts and averages: the value is then numerator × factor.
    denominator_definition: Mapped[str] = mapped_column(sa.Text, default="")
    factor: Mapped[Decimal] = mapped_column(NUMBER, default=Decimal(100))
    #: percent / days / number.
    unit: Mapped[str] = mapped_column(sa.String(10), default="percent")
    #: higher / lower (is better).
    direction: Mapped[str] = mapped_column(sa.String(10), default="higher")
    #: monthly / quarterly / semiannual / annual.
    frequency: Mapped[str] = mapped_column(sa.String(12), default="quarterly")
    responsible_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Medios de verificación: what evidence proves each measurement.
    verification_means: Mapped[str] = mapped_column(sa.Text, default="")
    #: Enfoque de género: each measurement is entered per sex.
    is_by_sex: Mapped[bool] = mapped_column(default=False)
    #: Perspectiva territorial: each measurement is entered per region.
    is_by_region: Mapped[bool] = mapped_column(default=False)
    #: The regions measured when by region (empty: every region).
    region_codes: Mapped[list] = mapped_column(sa.JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    process = relationship("Process")
    objective: Mapped[QualityObjective | None] = relationship(back_populates="indicators")
    pmg_system = relationship("PmgSystem")
    responsible = relationship("User")
    targets: Mapped[list["IndicatorTarget"]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorTarget.year")

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"

    @property
    def unit_label(self) -> str:
        return UNITS.get(self.unit, self.unit)

    @property
    def direction_label(self) -> str:
        return DIRECTIONS.get(self.direction, self.direction)

    @property
    def frequency_label(self) -> str:
        return FREQUENCIES[self.frequency][0]

    @property
    def has_denominator(self) -> bool:
        return bool(self.denominator_definition.strip())

    @property
    def is_disaggregated(self) -> bool:
        return self.is_by_sex or self.is_by_region

    def target_for(self, year: int) -> Decimal | None:
        return next((t.target for t in self.targets if t.year == year), None)

    def period(self, year: int, number: int) -> Period:
        return Period(year, self.frequency, number)


class IndicatorTarget(db.Model):
    """The meta of one year."""

    __tablename__ = "indicator_targets"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "year", info={
        "conflict": "Ese año ya tiene una meta; recargue la página."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column()
    target: Mapped[Decimal] = mapped_column(NUMBER)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


class Measurement(db.Model):
    """One revision of one period's measurement."""

    __tablename__ = "indicator_measurements"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "year", "period", "revision", info={
        "conflict": "Otra persona registró esta medición al mismo tiempo; recargue la página."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    #: 1..n within the year, as the indicator's frequency numbers them.
    period: Mapped[int] = mapped_column()
    #: 1 for the first entry; each correction of a confirmed value is the next revision.
    revision: Mapped[int] = mapped_column(default=1)
    #: Totals; for a disaggregated indicator the sums of its parts.
    numerator: Mapped[Decimal] = mapped_column(NUMBER)
    denominator: Mapped[Decimal | None] = mapped_column(NUMBER)
    value: Mapped[Decimal] = mapped_column(NUMBER)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: Why a confirmed value was corrected (revisions after the first).
    correction_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: entered / confirmed.
    state: Mapped[str] = mapped_column(sa.String(12), default="entered", index=True)
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    indicator: Mapped[Indicator] = relationship()
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    parts: Mapped[list["MeasurementPart"]] = relationship(
        back_populates="measurement", cascade="all, delete-orphan", order_by="MeasurementPart.id")
    evidence: Mapped[list["MeasurementEvidence"]] = relationship(
        back_populates="measurement", cascade="all, delete-orphan", order_by="MeasurementEvidence.id")

    def __repr__(self) -> str:
        return f"<Measurement {self.indicator_id} {self.year}/{self.period} r{self.revision} {self.state}>"

    @property
    def is_confirmed(self) -> bool:
        return self.state == "confirmed"

    @property
    def state_label(self) -> str:
        return MEASUREMENT_STATES.label(self.state)

    @property
    def state_tone(self) -> str:
        return MEASUREMENT_STATES.tone(self.state)

    @property
    def period_label(self) -> str:
        return self.indicator.period(self.year, self.period).label


class MeasurementPart(db.Model):
    """The numbers of one region and / or sex within a measurement."""

    __tablename__ = "indicator_measurement_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    measurement_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator_measurements.id", ondelete="CASCADE"),
                                                index=True)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    #: F / M, or None when the indicator is not by sex.
    sex: Mapped[str | None] = mapped_column(sa.String(1))
    numerator: Mapped[Decimal] = mapped_column(NUMBER)
    denominator: Mapped[Decimal | None] = mapped_column(NUMBER)

    measurement: Mapped[Measurement] = relationship(back_populates="parts")

    @property
    def sex_label(self) -> str:
        return SEXES.get(self.sex or "", "")


class MeasurementEvidence(db.Model):
    """A file (medio de verificación) or a record of the register that proves a measurement."""

    __tablename__ = "indicator_measurement_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    measurement_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator_measurements.id", ondelete="CASCADE"),
                                                index=True)
    #: A stored file (content-addressed) ...
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    content_type: Mapped[str] = mapped_column(sa.String(120), default="application/octet-stream")
    #: ... or a record of the register (``REG-2026-001``).
    record_id: Mapped[int | None] = mapped_column()
    record_label: Mapped[str] = mapped_column(sa.String(300), default="")
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    measurement: Mapped[Measurement] = relationship(back_populates="evidence")


class IndicatorAction(db.Model):
    """A corrective action raised from a period below target."""

    __tablename__ = "indicator_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id"), index=True)
    measurement_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator_measurements.id"), index=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    action = relationship("Action")
    measurement: Mapped[Measurement] = relationship()


class ComplianceSettings(db.Model):
    """The institution's compliance bands (one row); Ley 19.553 art. 6 until changed."""

    __tablename__ = "indicator_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meets_from: Mapped[Decimal] = mapped_column(NUMBER, default=Decimal(90))
    partial_from: Mapped[Decimal] = mapped_column(NUMBER, default=Decimal(75))
