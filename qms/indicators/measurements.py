"""Measurements: entered by the indicator's responsible, confirmed by the committee, then immutable.

A period's first entry is revision 1; while it waits for confirmation its responsible
may change it. Once confirmed it never changes: a correction is the next revision of
the same period, with its reason, confirmed in turn. For a disaggregated indicator the
numbers are typed per region and / or sex and the totals are their sums.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from qms.core import permissions as P
from qms.core import signing
from qms.core.checks import require, text
from qms.core.locking import lock
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.indicators import access, notices
from qms.indicators.common import number
from qms.indicators.compliance import is_below_target, shown, value_of
from qms.indicators.models import (
    SEXES,
    Indicator,
    IndicatorAction,
    Measurement,
    MeasurementEvidence,
    MeasurementPart,
)
from qms.indicators.periods import Period, period as checked_period
from qms.storage import store, uploads
from qms.timeutil import format_date, now_utc, today_local
from qms.trail import service as trail


def part_keys(indicator: Indicator) -> list[tuple[str | None, str | None]]:
    """The (region, sex) cells a disaggregated measurement is typed in, in display order."""
    from qms.org.queries import regions

    region_list = [None]
    if indicator.is_by_region:
        chosen = set(indicator.region_codes or [])
        region_list = [r.code for r in regions() if not chosen or r.code in chosen]
    sexes = list(SEXES) if indicator.is_by_sex else [None]
    return [(r, s) for r in region_list for s in sexes]


def part_field(kind: str, region: str | None, sex: str | None) -> str:
    """The form field of a cell: ``n_V_F`` (numerator, Valparaíso, mujeres)."""
    return f"{kind}_{region or 'T'}_{sex or 'T'}"


def _check_period(indicator: Indicator, year, number_, today) -> Period:
    chosen = checked_period(year, indicator.frequency, number_)
    if chosen.end > today:
        raise ServiceError(f"El periodo {chosen.label} aún no termina (termina el {format_date(chosen.end)}): "
                           "no se puede medir un periodo futuro.", field="period")
    return chosen


def _totals(indicator: Indicator, numerator, denominator, parts) -> tuple[Decimal, Decimal | None, list]:
    """The measurement's totals, summed from its parts when the indicator is disaggregated."""
    if not indicator.is_disaggregated:
        num = number(numerator, "El numerador", "numerator")
        den = number(denominator, "El denominador", "denominator") if indicator.has_denominator else None
        return num, den, []
    typed = {(p.get("region_code"), p.get("sex")): p for p in (parts or [])}
    cells = []
    for region, sex in part_keys(indicator):
        cell = typed.get((region, sex), {})
        where = " · ".join(x for x in (region and f"región {region}", sex and SEXES[sex].lower()) if x)
        num = number(cell.get("numerator"), f"El numerador ({where})", part_field("n", region, sex))
        den = None
        if indicator.has_denominator:
            den = number(cell.get("denominator"), f"El denominador ({where})", part_field("d", region, sex))
            if den == 0 and num > 0:
                raise ServiceError(f"El denominador ({where}) es cero con un numerador de {shown(num, 0)}: "
                                   "no hay valor que calcular.", field=part_field("d", region, sex))
        cells.append(MeasurementPart(region_code=region, sex=sex, numerator=num, denominator=den))
    total_num = sum((c.numerator for c in cells), Decimal(0))
    total_den = sum((c.denominator for c in cells), Decimal(0)) if indicator.has_denominator else None
    return total_num, total_den, cells


def _value(indicator: Indicator, numerator: Decimal, denominator: Decimal | None) -> Decimal:
    value = value_of(numerator, denominator, indicator.factor)
    if value is None:
        raise ServiceError("El denominador es cero: no hay valor que calcular. Revise los datos del periodo.",
                           field="denominator")
    if indicator.unit == "percent" and value > 100:
        raise ServiceError(f"El valor calculado ({shown(value)} %) está fuera del rango de la unidad (0 a 100 %): "
                           "el numerador no puede superar al denominador.", field="numerator")
    return value.quantize(Decimal("0.0001"))


def revisions(indicator: Indicator, year: int, period_number: int) -> list[Measurement]:
    return list(db.session.scalars(sa.select(Measurement).where(
        Measurement.indicator_id == indicator.id, Measurement.year == year, Measurement.period == period_number)
        .order_by(Measurement.revision)))


def _check_measurer(actor, indicator: Indicator) -> None:
    if not access.can_measure(actor, indicator):
        raise PermissionDenied("Solo el o la responsable del indicador o el comité registran sus mediciones.")


def _details(m: Measurement) -> dict:
    return {"period": m.period_label, "revision": m.revision, "numerator": str(m.numerator),
            "denominator": None if m.denominator is None else str(m.denominator), "value": str(m.value),
            "parts": [[p.region_code, p.sex, str(p.numerator), None if p.denominator is None else str(p.denominator)]
                      for p in m.parts], "comment": m.comment}


def enter(actor, indicator: Indicator, *, year, period, numerator=None, denominator=None, parts=None,
          comment: str = "", today=None) -> Measurement:
    """Enter (or, before confirmation, change) the measurement of one period."""
    _check_measurer(actor, indicator)
    lock(indicator)
    chosen = _check_period(indicator, year, period, today or today_local())
    existing = revisions(indicator, chosen.year, chosen.number)
    latest = existing[-1] if existing else None
    if latest is not None and latest.is_confirmed:
        raise ServiceError(f"La medición de {chosen.label} está confirmada y no se modifica; registre una "
                           "corrección con su motivo.", field="period")
    num, den, cells = _totals(indicator, numerator, denominator, parts)
    value = _value(indicator, num, den)
    comment = text(comment, "El comentario", "comment", required=False)
    before = _details(latest) if latest is not None else None
    measurement = latest or Measurement(indicator=indicator, year=chosen.year, period=chosen.number, revision=1)
    measurement.numerator, measurement.denominator, measurement.value = num, den, value
    measurement.comment, measurement.entered_by_id, measurement.entered_at = comment, actor.id, now_utc()
    measurement.parts = cells
    db.session.add(measurement)
    db.session.flush()
    trail.record(actor, "measurement.changed" if before else "measurement.entered", "indicator", indicator.id,
                 indicator.code, {"before": before, "after": _details(measurement)} if before else _details(measurement))
    notices.entered(actor, indicator, measurement)
    return measurement


def correct(actor, indicator: Indicator, *, year, period, reason: str, numerator=None, denominator=None,
            parts=None, comment: str = "", today=None) -> Measurement:
    """Correct a confirmed measurement: a new revision of the period, with its reason, to be confirmed."""
    _check_measurer(actor, indicator)
    lock(indicator)
    chosen = _check_period(indicator, year, period, today or today_local())
    existing = revisions(indicator, chosen.year, chosen.number)
    if not existing or not existing[-1].is_confirmed:
        raise ServiceError(f"La medición de {chosen.label} no está confirmada: modifíquela directamente.",
                           field="period")
    reason = text(reason, "El motivo de la corrección", "reason")
    num, den, cells = _totals(indicator, numerator, denominator, parts)
    measurement = Measurement(indicator=indicator, year=chosen.year, period=chosen.number,
                              revision=existing[-1].revision + 1, numerator=num, denominator=den,
                              value=_value(indicator, num, den), correction_reason=reason,
                              comment=text(comment, "El comentario", "comment", required=False),
                              entered_by_id=actor.id, parts=cells)
    db.session.add(measurement)
    db.session.flush()
    trail.record(actor, "measurement.corrected", "indicator", indicator.id, indicator.code,
                 {"reason": reason, "before": _details(existing[-1]), "after": _details(measurement)})
    notices.entered(actor, indicator, measurement)
    return measurement


def confirm(actor, measurement: Measurement) -> Measurement:
    """The committee confirms a measurement; from then on it never changes."""
    require(actor, P.INDICATOR_MANAGE)
    lock(measurement.indicator)
    lock(measurement)
    if measurement.is_confirmed:
        raise ServiceError(f"La medición de {measurement.period_label} ya está confirmada.")
    signing.refuse_if_took_part(measurement.entered_by_id == actor.id,
                                "Quien ingresó la medición no la confirma: la confirma otra persona del comité.")
    measurement.state, measurement.confirmed_by_id, measurement.confirmed_at = "confirmed", actor.id, now_utc()
    db.session.flush()
    trail.record(actor, "measurement.confirmed", "indicator", measurement.indicator_id, measurement.indicator.code,
                 {"period": measurement.period_label, "revision": measurement.revision,
                  "value": str(measurement.value)})
    return measurement


def add_evidence(actor, measurement: Measurement, data: bytes, filename: str) -> MeasurementEvidence:
    """Attach a medio de verificación (checked like every upload) to a measurement not yet confirmed."""
    _check_measurer(actor, measurement.indicator)
    lock(measurement)
    if measurement.is_confirmed:
        raise ServiceError("La medición está confirmada: sus medios de verificación ya no cambian.", field="file")
    checked = uploads.check(data, filename, fallback_name="evidencia")
    stored = store.put(checked.data, checked.content_type)
    evidence = MeasurementEvidence(measurement=measurement, sha256=stored.sha256, filename=checked.filename,
                                   content_type=checked.content_type, added_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    trail.record(actor, "measurement.evidence_added", "indicator", measurement.indicator_id,
                 measurement.indicator.code, {"period": measurement.period_label, "file": checked.filename,
                                              "sha256": stored.sha256})
    return evidence


def link_record(actor, measurement: Measurement, record_code: str) -> MeasurementEvidence:
    """Name a record of the register (``REG-2026-001``) as a medio de verificación of a measurement."""
    from qms.records import queries as records

    _check_measurer(actor, measurement.indicator)
    lock(measurement)
    if measurement.is_confirmed:
        raise ServiceError("La medición está confirmada: sus medios de verificación ya no cambian.",
                           field="record_code")
    code = text(record_code, "El código del registro", "record_code", max_length=40)
    record = records.visible_record_by_code(actor, code)
    if record is None:
        raise ServiceError(f"No existe el registro «{code}» o usted no puede verlo.", field="record_code")
    if any(e.record_id == record.id for e in measurement.evidence):
        raise ServiceError(f"El registro {record.code} ya es un medio de verificación de esta medición.",
                           field="record_code")
    evidence = MeasurementEvidence(measurement=measurement, record_id=record.id,
                                   record_label=f"{record.code} · {record.title}"[:300], added_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    trail.record(actor, "measurement.evidence_added", "indicator", measurement.indicator_id,
                 measurement.indicator.code, {"period": measurement.period_label, "record": record.code})
    return evidence


def raise_action(actor, measurement: Measurement, owner):
    """Open the corrective action of a confirmed period below target, pre-filled and linked."""
    from qms.actions import service as actions

    require(actor, P.INDICATOR_MANAGE)
    indicator = measurement.indicator
    lock(indicator)
    target = indicator.target_for(measurement.year)
    if not measurement.is_confirmed:
        raise ServiceError("Confirme la medición antes de abrir una acción por ella.")
    if not is_below_target(measurement.value, target, indicator.direction):
        raise ServiceError(f"{measurement.period_label} cumple la meta: no requiere una acción correctiva.")
    linked = db.session.scalars(sa.select(IndicatorAction).where(IndicatorAction.measurement_id == measurement.id))
    live = next((link for link in linked if not link.action.is_withdrawn), None)
    if live is not None:
        raise ServiceError(f"El periodo ya tiene la acción {live.action.code}.")
    unit = indicator.unit_label
    problem = (f"El indicador {indicator.code} «{indicator.name}» registró {shown(measurement.value)} {unit} en "
               f"{measurement.period_label}, contra una meta de {shown(target)} {unit} "
               f"({indicator.direction_label.lower()}).")
    action = actions.create_action(
        actor, kind="corrective", source_kind="indicator", source_id=indicator.id,
        source_ref=f"{indicator.code} {measurement.period_label}",
        title=f"Indicador {indicator.code} bajo la meta en {measurement.period_label}"[:250], problem=problem,
        process=indicator.process, owner=owner)
    db.session.add(IndicatorAction(indicator_id=indicator.id, measurement_id=measurement.id, action_id=action.id))
    db.session.flush()
    trail.record(actor, "indicator.action_raised", "indicator", indicator.id, indicator.code,
                 {"period": measurement.period_label, "action": action.code})
    return action
