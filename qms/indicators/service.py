"""Operations on quality objectives, indicators, their targets and the compliance bands.

The only place that changes them: each function takes the acting user, checks the
permission and the values, changes the objects, writes the trail and flushes, never
commits. Measurements have their own file (``measurements.py``), re-exported here so
other modules reach every operation through this one.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from qms.core import permissions as P
from qms.core.checks import choice, require, text
from qms.core.codes import next_code, next_yearly_code
from qms.core.locking import lock
from qms.errors import ServiceError
from qms.extensions import db
from qms.indicators.common import number, settings
from qms.indicators.measurements import (  # noqa: F401  (the public operations of the module)
    add_evidence,
    confirm,
    correct,
    enter,
    link_record,
    raise_action,
)
from qms.indicators.models import (
    DIRECTIONS,
    OBJECTIVE_STATES,
    UNITS,
    ComplianceSettings,
    Indicator,
    IndicatorTarget,
    QualityObjective,
)
from qms.indicators.periods import FREQUENCIES
from qms.trail import service as trail

OBJECTIVE_FIELDS = ("statement", "plan_what", "plan_resources", "plan_responsible", "plan_when", "plan_evaluation")
INDICATOR_FIELDS = ("name", "strategic_product", "numerator_definition", "denominator_definition",
                    "verification_means")


def _person(person, field: str):
    if person is None:
        raise ServiceError("Indique el o la responsable.", field=field)
    if not person.is_enabled:
        raise ServiceError("La persona elegida no está activa.", field=field)
    return person


def _year(year) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2999:
        raise ServiceError("Indique el año (por ejemplo 2026).", field="year")
    return year


def save_objective(actor, objective: QualityObjective | None, *, year, statement, owner, process=None,
                   plan_what="", plan_resources="", plan_responsible="", plan_when="",
                   plan_evaluation="") -> QualityObjective:
    """Create (``objective`` None) or change a quality objective and its plan (6.2)."""
    require(actor, P.INDICATOR_MANAGE)
    values = {
        "statement": text(statement, "El enunciado del objetivo", "statement"),
        "plan_what": text(plan_what, "Qué se hará", "plan_what", required=False),
        "plan_resources": text(plan_resources, "Los recursos", "plan_resources", required=False),
        "plan_responsible": text(plan_responsible, "Los responsables del plan", "plan_responsible", required=False),
        "plan_when": text(plan_when, "El plazo", "plan_when", required=False),
        "plan_evaluation": text(plan_evaluation, "Cómo se evaluarán los resultados", "plan_evaluation",
                                required=False),
    }
    owner = _person(owner, "owner_id")
    if objective is None:
        year = _year(year)
        objective = QualityObjective(code=next_yearly_code("OBJ", year, QualityObjective.code, width=2), year=year,
                                     owner_id=owner.id, state="active", process_id=getattr(process, "id", None),
                                     **values)
        db.session.add(objective)
        before = {}
    else:
        lock(objective)
        before = {f: getattr(objective, f) for f in OBJECTIVE_FIELDS} | {"owner": objective.owner_id}
        for field, value in values.items():
            setattr(objective, field, value)
        objective.owner_id, objective.process_id = owner.id, getattr(process, "id", None)
    db.session.flush()
    after = {f: getattr(objective, f) for f in OBJECTIVE_FIELDS} | {"owner": objective.owner_id}
    trail.record(actor, "objective.saved" if before else "objective.created", "objective", objective.id,
                 objective.code, {"before": before, "after": after} if before else after)
    return objective


def close_objective(actor, objective: QualityObjective, state: str) -> QualityObjective:
    """Close the year's objective as achieved or not (or annul it)."""
    require(actor, P.INDICATOR_MANAGE)
    lock(objective)
    state = choice(state, {k: v for k, v in OBJECTIVE_STATES.items() if k != "active"}, "el resultado", "state")
    if objective.state != "active":
        raise ServiceError(f"El objetivo ya está cerrado ({objective.state_label}).")
    objective.state = state
    db.session.flush()
    trail.record(actor, "objective.closed", "objective", objective.id, objective.code, {"state": state})
    return objective


def _indicator_code(pmg_system_code: str | None, process) -> str:
    prefix = (pmg_system_code or process.code).upper()
    return next_code(f"IND-{prefix}", lambda n: f"IND-{prefix}-{n:02d}", Indicator.code)


def save_indicator(actor, indicator: Indicator | None, *, name, process, responsible, numerator_definition,
                   denominator_definition="", factor="100", unit="percent", direction="higher",
                   frequency="quarterly", objective=None, pmg_system_code=None, strategic_product="",
                   verification_means="", is_by_sex=False, is_by_region=False, region_codes=()) -> Indicator:
    """Create or change an indicator of the register. Its frequency is fixed once it has measurements."""
    require(actor, P.INDICATOR_MANAGE)
    if process is None:
        raise ServiceError("Elija el proceso del indicador.", field="process_id")
    values = {
        "name": text(name, "El nombre del indicador", "name", max_length=250),
        "strategic_product": text(strategic_product, "El producto estratégico", "strategic_product", required=False,
                                  max_length=250),
        "numerator_definition": text(numerator_definition, "La definición del numerador", "numerator_definition"),
        "denominator_definition": text(denominator_definition, "La definición del denominador",
                                       "denominator_definition", required=False),
        "verification_means": text(verification_means, "Los medios de verificación", "verification_means",
                                   required=False),
        "unit": choice(unit, UNITS, "la unidad", "unit"),
        "direction": choice(direction, DIRECTIONS, "el sentido", "direction"),
        "frequency": choice(frequency, FREQUENCIES, "la frecuencia", "frequency"),
        "factor": number(factor, "El factor", "factor"),
        "is_by_sex": bool(is_by_sex), "is_by_region": bool(is_by_region),
        "region_codes": sorted(set(region_codes)) if is_by_region else [],
    }
    if values["factor"] == 0:
        raise ServiceError("El factor no puede ser cero (use 100 para porcentajes, 1 para días o números).",
                           field="factor")
    responsible = _person(responsible, "responsible_id")
    values |= {"process_id": process.id, "responsible_id": responsible.id, "objective_id": getattr(objective, "id", None)}
    if indicator is None:
        indicator = Indicator(code=_indicator_code(pmg_system_code, process), pmg_system_code=pmg_system_code or None,
                              **values)
        db.session.add(indicator)
        before = {}
    else:
        lock(indicator)
        if values["frequency"] != indicator.frequency and _has_measurements(indicator):
            raise ServiceError("La frecuencia no se cambia en un indicador que ya tiene mediciones; cree uno nuevo.",
                               field="frequency")
        before = _indicator_snapshot(indicator)
        for field, value in values.items():
            setattr(indicator, field, value)
    db.session.flush()
    after = _indicator_snapshot(indicator)
    trail.record(actor, "indicator.saved" if before else "indicator.created", "indicator", indicator.id,
                 indicator.code, {"before": before, "after": after} if before else after)
    return indicator


def _indicator_snapshot(indicator: Indicator) -> dict:
    return {f: getattr(indicator, f) for f in INDICATOR_FIELDS} | {
        "unit": indicator.unit, "direction": indicator.direction, "frequency": indicator.frequency,
        "factor": str(indicator.factor), "by_sex": indicator.is_by_sex, "by_region": indicator.is_by_region,
        "regions": list(indicator.region_codes or []), "responsible": indicator.responsible_id,
        "objective": indicator.objective_id, "process": indicator.process_id}


def _has_measurements(indicator: Indicator) -> bool:
    from qms.indicators.models import Measurement

    return db.session.scalar(sa.select(Measurement.id).where(Measurement.indicator_id == indicator.id)
                             .limit(1)) is not None


def set_target(actor, indicator: Indicator, *, year, target) -> IndicatorTarget:
    """Set the meta of ``year`` (a percentage target stays within 0–100)."""
    require(actor, P.INDICATOR_MANAGE)
    lock(indicator)
    year = _year(year)
    value = number(target, "La meta", "target")
    if indicator.unit == "percent" and value > 100:
        raise ServiceError("Una meta en porcentaje no puede superar 100 %.", field="target")
    row = next((t for t in indicator.targets if t.year == year), None)
    before = str(row.target) if row else None
    if row is None:
        row = IndicatorTarget(indicator=indicator, year=year, target=value)
        db.session.add(row)
    else:
        row.target = value
    db.session.flush()
    trail.record(actor, "indicator.target_set", "indicator", indicator.id, indicator.code,
                 {"year": year, "before": before, "after": str(value)})
    return row


def set_bands(actor, *, meets_from, partial_from) -> ComplianceSettings:
    """Set the institution's compliance bands (% cumplimiento where «cumple» and «parcial» begin)."""
    require(actor, P.INDICATOR_MANAGE, P.ADMIN_SETTINGS)
    meets = number(meets_from, "El umbral de «cumple»", "meets_from")
    partial = number(partial_from, "El umbral de «cumple parcialmente»", "partial_from")
    if not Decimal(0) < partial < meets <= Decimal(100):
        raise ServiceError("Los umbrales deben cumplir 0 < «cumple parcialmente» < «cumple» ≤ 100.",
                           field="partial_from")
    row = settings()
    before = {"meets_from": str(row.meets_from), "partial_from": str(row.partial_from)} if row else None
    if row is None:
        row = ComplianceSettings(id=1)
        db.session.add(row)
    else:
        lock(row)
    row.meets_from, row.partial_from = meets, partial
    db.session.flush()
    trail.record(actor, "indicator.bands_set", "indicator_settings", 1, "Bandas de cumplimiento",
                 {"before": before, "after": {"meets_from": str(meets), "partial_from": str(partial)}})
    return row
