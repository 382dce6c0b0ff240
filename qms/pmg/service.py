"""Operations on the PMG programme: the only place that changes it.

The reference objectives of a programme year (copied from the year before, or from
``data/reference.yaml`` the first time, then edited by the committee), the stage the
institution commits to, the medios de verificación uploaded as records, the diagnosis,
the scope and the three-year plan. The work programme's operations are in
``programme.py`` and re-exported here. Each function checks the permission and the
input before changing anything, writes the trail and flushes, never commits.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
import yaml

from qms.core import permissions as P
from qms.core.checks import choice, require, text
from qms.core.locking import lock
from qms.errors import ServiceError
from qms.extensions import db
from qms.pmg.models import (ASSESSMENT_RATINGS, EVIDENCE_KINDS, STAGES, PmgAssessment, PmgCommitment, PmgEvidence,
                            PmgObjective, PmgPlanEntry, PmgScopeEntry)
from qms.pmg.programme import (add_gap_activity, approve_programme, open_programme, save_activity,  # noqa: F401
                               year_of)
from qms.timeutil import format_date
from qms.trail import service as trail

REFERENCE_FILE = Path(__file__).parent / "data" / "reference.yaml"
#: The record types of the evidence QMS does not produce.
UPLOAD_TYPE, CERTIFICATE_TYPE = "MV-PMG", "CERT-ISO"


def _year_entry(actor, event: str, year: int, details: dict) -> None:
    trail.record(actor, event, "pmg_year", year, f"PMG {year}", details)


def _stage(stage) -> int:
    try:
        stage = int(stage)
    except (TypeError, ValueError):
        stage = 0
    if stage not in STAGES:
        raise ServiceError("Elija la etapa (1 a 4).", field="stage")
    return stage


# -- reference objectives -----------------------------------------------------------------------
def reference_specs(year: int) -> list[dict]:
    """The objectives a new programme year starts from: the latest earlier year's, else the file's."""
    previous = db.session.scalar(sa.select(sa.func.max(PmgObjective.year)).where(PmgObjective.year < year))
    if previous is None:
        return yaml.safe_load(REFERENCE_FILE.read_text(encoding="utf-8"))
    rows = db.session.scalars(sa.select(PmgObjective).where(PmgObjective.year == previous)
                              .order_by(PmgObjective.number)).all()
    return [{"stage": o.stage, "number": o.number, "title": o.title, "requirements": o.requirements,
             "evidence": list(o.evidence_kinds)} for o in rows]


def ensure_reference(actor, year: int) -> list[PmgObjective]:
    """Give ``year`` its own copy of the reference objectives when it has none yet."""
    existing = db.session.scalars(sa.select(PmgObjective).where(PmgObjective.year == year)
                                  .order_by(PmgObjective.number)).all()
    if existing:
        return list(existing)
    created = [PmgObjective(year=year, stage=s["stage"], number=s["number"], title=s["title"],
                            requirements=s["requirements"], evidence_kinds=list(s["evidence"]))
               for s in reference_specs(year)]
    db.session.add_all(created)
    db.session.flush()
    _year_entry(actor, "pmg.reference_loaded", year, {"objectives": len(created)})
    return created


def _kinds(values) -> list[str]:
    kinds = [v for v in dict.fromkeys(values or []) if v]
    unknown = [k for k in kinds if k not in EVIDENCE_KINDS]
    if unknown or not kinds:
        raise ServiceError("Elija al menos un tipo de medio de verificación de la lista.", field="evidence_kinds")
    return kinds


def add_objective(actor, *, year, stage, number, title: str, requirements: str, evidence_kinds) -> PmgObjective:
    """The committee adds an objective the year's technical document brings (a new programme year
    may add or renumber objectives)."""
    require(actor, P.PMG_MANAGE)
    year, stage = year_of(year), _stage(stage)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 99:
        raise ServiceError("Indique el número del objetivo (1 a 99).", field="number")
    if db.session.scalar(sa.select(PmgObjective.id).where(PmgObjective.year == year, PmgObjective.number == number)):
        raise ServiceError(f"El programa {year} ya tiene un objetivo número {number}.", field="number")
    objective = PmgObjective(year=year, stage=stage, number=number,
                             title=text(title, "El objetivo", "title", max_length=250),
                             requirements=text(requirements, "Los requisitos técnicos", "requirements"),
                             evidence_kinds=_kinds(evidence_kinds))
    db.session.add(objective)
    db.session.flush()
    trail.record(actor, "pmg.objective_added", "pmg_objective", objective.id, objective.code,
                 {"stage": stage, "title": objective.title, "evidence_kinds": objective.evidence_kinds})
    return objective


def save_objective(actor, objective: PmgObjective, *, title: str, requirements: str, evidence_kinds) -> PmgObjective:
    """The committee rewrites an objective of a programme year: a new revision, trailed with before and after."""
    require(actor, P.PMG_MANAGE)
    lock(objective)
    values = {"title": text(title, "El objetivo", "title", max_length=250),
              "requirements": text(requirements, "Los requisitos técnicos", "requirements"),
              "evidence_kinds": _kinds(evidence_kinds)}
    before = {k: getattr(objective, k) for k in values}
    changed = {k: [before[k], v] for k, v in values.items() if before[k] != v}
    if not changed:
        return objective
    for key, value in values.items():
        setattr(objective, key, value)
    objective.revision += 1
    db.session.flush()
    trail.record(actor, "pmg.objective_revised", "pmg_objective", objective.id, objective.code,
                 {"revision": objective.revision, "changes": changed})
    return objective


# -- commitment ---------------------------------------------------------------------------------
def commit(actor, *, year, stage, notes: str = "") -> PmgCommitment:
    """Record (or change) the stage the institution committed to for ``year``; its objectives
    become the year's checklist."""
    require(actor, P.PMG_MANAGE)
    year, stage = year_of(year), _stage(stage)
    notes = text(notes, "Las observaciones", "notes", required=False)
    ensure_reference(actor, year)
    commitment = db.session.scalar(sa.select(PmgCommitment).where(PmgCommitment.year == year))
    if commitment is None:
        commitment = PmgCommitment(year=year, stage=stage, notes=notes, committed_by_id=actor.id)
        db.session.add(commitment)
        before = None
    else:
        lock(commitment)
        before = commitment.stage
        commitment.stage, commitment.notes = stage, notes
    db.session.flush()
    _year_entry(actor, "pmg.committed", year, {"stage": [before, stage], "notes": notes})
    return commitment


# -- medios de verificación uploaded ------------------------------------------------------------
def upload_evidence(actor, objective: PmgObjective, *, kind: str, title: str, record_date: date | None, data: bytes,
                    filename: str) -> PmgEvidence:
    """Keep a medio de verificación QMS does not produce as a record (``MV-PMG``, or ``CERT-ISO``
    for the certification body's certificate) and bind it to one of the objective's kinds."""
    from qms.records import queries as records
    from qms.records import service as records_service

    require(actor, P.PMG_MANAGE)
    if kind not in objective.evidence_kinds:
        raise ServiceError("Elija qué medio de verificación del objetivo acredita el archivo.", field="kind")
    if record_date is None:
        raise ServiceError("Indique la fecha del medio de verificación.", field="record_date")
    if record_date.year != objective.year:
        raise ServiceError(f"El medio de verificación es de {record_date.year} ({format_date(record_date)}) y el "
                           f"objetivo es del programa {objective.year}: cargue evidencia del mismo año.",
                           field="record_date")
    type_code = CERTIFICATE_TYPE if kind == "certificate" else UPLOAD_TYPE
    record_type = records.record_type_by_code(type_code)
    if record_type is None:
        raise ServiceError(f"No existe el tipo de registro «{type_code}»; cárguelo con «qms init».")
    record = records_service.create_record(
        actor, record_type=record_type, title=text(title, "El título del medio de verificación", "title",
                                                   max_length=250),
        record_date=record_date, data=data, filename=filename,
        description=f"Medio de verificación del objetivo {objective.code}: {objective.title}")
    evidence = PmgEvidence(objective_id=objective.id, record_id=record.id, kind=kind, added_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    trail.record(actor, "pmg.evidence_uploaded", "pmg_objective", objective.id, objective.code,
                 {"record": record.code, "type": type_code, "kind": kind})
    return evidence


# -- diagnosis ------------------------------------------------------------------------------------
def assess(actor, *, year, process, clause_number: str, rating: str, evidence: str, gap: str) -> PmgAssessment:
    """Rate a process against one ISO 9001:2015 clause; a partial or failed clause states its gap."""
    from qms.org.models import IsoClause

    require(actor, P.PMG_MANAGE)
    year = year_of(year)
    if process is None:
        raise ServiceError("Elija el proceso.", field="process_id")
    if not clause_number or db.session.get(IsoClause, clause_number) is None:
        raise ServiceError("Elija la cláusula de la norma.", field="clause_number")
    rating = choice(rating, ASSESSMENT_RATINGS, "la evaluación", "rating")
    evidence = text(evidence, "La evidencia revisada", "evidence", required=False)
    gap = text(gap, "La brecha", "gap", required=rating in ("partial", "fails"))
    line = db.session.scalar(sa.select(PmgAssessment).where(
        PmgAssessment.year == year, PmgAssessment.process_id == process.id,
        PmgAssessment.clause_number == clause_number))
    before = None
    if line is None:
        line = PmgAssessment(year=year, process_id=process.id, clause_number=clause_number)
        db.session.add(line)
    else:
        lock(line)
        before = line.rating
    line.rating, line.evidence, line.gap, line.assessed_by_id = rating, evidence, gap, actor.id
    db.session.flush()
    _year_entry(actor, "pmg.assessed", year, {"process": process.code, "clause": clause_number,
                                              "rating": [before, rating], "gap": gap})
    return line


# -- scope ----------------------------------------------------------------------------------------
def set_scope(actor, *, year, entries) -> list[PmgScopeEntry]:
    """Replace the year's scope: ``entries`` of ``(process, included, reason, region_codes)``.

    Every process left out needs its reason; all lines are checked before any is written.
    """
    from qms.org.models import Region

    require(actor, P.PMG_MANAGE)
    year = year_of(year)
    known_regions = set(db.session.scalars(sa.select(Region.code)))
    clean = []
    for process, included, reason, regions in entries:
        reason = (reason or "").strip()
        if not included and not reason:
            raise ServiceError(f"Indique el fundamento para dejar el proceso {process.code} fuera del alcance.",
                               field=f"reason_{process.id}")
        unknown = [r for r in regions or [] if r not in known_regions]
        if unknown:
            raise ServiceError(f"Región desconocida: {', '.join(unknown)}.", field=f"regions_{process.id}")
        clean.append((process, bool(included), "" if included else reason, sorted(set(regions or [])) if included else []))
    if not any(included for _p, included, _r, _g in clean):
        raise ServiceError("Incluya al menos un proceso en el alcance.", field="scope")
    db.session.execute(sa.delete(PmgScopeEntry).where(PmgScopeEntry.year == year))
    rows = [PmgScopeEntry(year=year, process_id=p.id, is_included=inc, reason=reason, region_codes=regions)
            for p, inc, reason, regions in clean]
    db.session.add_all(rows)
    db.session.flush()
    _year_entry(actor, "pmg.scope_set", year, {"in": [p.code for p, inc, _r, _g in clean if inc],
                                               "out": {p.code: r for p, inc, r, _g in clean if not inc},
                                               "regions": {p.code: g for p, inc, _r, g in clean if g}})
    return rows


# -- three-year plan ------------------------------------------------------------------------------
def add_plan_line(actor, *, year, process, region_code: str = "", notes: str = "") -> PmgPlanEntry:
    """Add a process (at the central level or in a region) to the three-year plan for ``year``."""
    from qms.org.models import Region

    require(actor, P.PMG_MANAGE)
    year = year_of(year)
    if process is None:
        raise ServiceError("Elija el proceso.", field="process_id")
    region_code = region_code or ""
    if region_code and db.session.get(Region, region_code) is None:
        raise ServiceError("Región desconocida.", field="region_code")
    if db.session.scalar(sa.select(PmgPlanEntry.id).where(PmgPlanEntry.year == year,
                                                         PmgPlanEntry.process_id == process.id,
                                                         PmgPlanEntry.region_code == region_code)):
        raise ServiceError("Esa línea ya está en el plan.", field="process_id")
    line = PmgPlanEntry(year=year, process_id=process.id, region_code=region_code,
                        notes=text(notes, "Las observaciones", "notes", required=False))
    db.session.add(line)
    db.session.flush()
    _year_entry(actor, "pmg.plan_line_added", year, {"process": process.code, "region": region_code or None})
    return line


def remove_plan_line(actor, line: PmgPlanEntry) -> None:
    require(actor, P.PMG_MANAGE)
    details = {"process": line.process.code, "region": line.region_code or None}
    db.session.delete(line)
    db.session.flush()
    _year_entry(actor, "pmg.plan_line_removed", line.year, details)
