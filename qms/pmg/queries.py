"""Read-only queries of the PMG programme: a year's facts from every module, the stage view,
the work programme with each activity's computed state, the perspective gaps, the inbox."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from qms.extensions import db
from qms.pmg import access
from qms.pmg.evidence import YearFacts, activity_done, is_overdue, objective_result
from qms.pmg.models import (PmgAssessment, PmgCommitment, PmgEvidence, PmgObjective, PmgPlanEntry, PmgScopeEntry,
                            WorkProgramme, PmgActivity)
from qms.timeutil import format_date, today_local


def commitments() -> list[PmgCommitment]:
    return list(db.session.scalars(sa.select(PmgCommitment).order_by(PmgCommitment.year.desc())))


def commitment(year: int) -> PmgCommitment | None:
    return db.session.scalar(sa.select(PmgCommitment).where(PmgCommitment.year == year))


def objectives(year: int, stage: int | None = None) -> list[PmgObjective]:
    stmt = sa.select(PmgObjective).where(PmgObjective.year == year)
    if stage:
        stmt = stmt.where(PmgObjective.stage == stage)
    return list(db.session.scalars(stmt.order_by(PmgObjective.number)))


def programme(year: int) -> WorkProgramme | None:
    return db.session.scalar(sa.select(WorkProgramme).where(WorkProgramme.year == year).options(
        selectinload(WorkProgramme.activities).selectinload(PmgActivity.responsible)))


def scope(year: int) -> list[PmgScopeEntry]:
    return list(db.session.scalars(sa.select(PmgScopeEntry).where(PmgScopeEntry.year == year)
                                   .options(selectinload(PmgScopeEntry.process))))


def plan(first_year: int) -> list[PmgPlanEntry]:
    """The three years of the plan that starts at ``first_year``."""
    return list(db.session.scalars(sa.select(PmgPlanEntry).where(
        PmgPlanEntry.year >= first_year, PmgPlanEntry.year <= first_year + 2)
        .options(selectinload(PmgPlanEntry.process)).order_by(PmgPlanEntry.year, PmgPlanEntry.id)))


def assessments(year: int) -> list[PmgAssessment]:
    return list(db.session.scalars(sa.select(PmgAssessment).where(PmgAssessment.year == year)
                                   .options(selectinload(PmgAssessment.process), selectinload(PmgAssessment.activity))
                                   .order_by(PmgAssessment.process_id, PmgAssessment.clause_number)))


# -- activities and their computed state -------------------------------------------------------
@dataclass
class ActivityRow:
    activity: PmgActivity
    done: bool
    overdue: bool
    link_label: str
    link_url: str

    @property
    def state(self) -> str:
        return "done" if self.done else self.activity.state

    @property
    def progress(self) -> int:
        return 100 if self.done else self.activity.progress


def _linked(activities) -> tuple[set, dict, dict]:
    """What the activities name, read in one statement per kind: documents in force, other states, labels."""
    from qms.actions import queries as actions
    from qms.audits import queries as audits
    from qms.documents import queries as documents
    from qms.reviews import queries as reviews

    ids: dict[str, list] = {}
    for a in activities:
        if a.link_kind and a.link_id:
            ids.setdefault(a.link_kind, []).append(a.link_id)
    in_force = documents.in_force_ids(ids.get("document"))
    states, labels = {}, {}
    for kind, reader, endpoint, arg in (("audit", audits.audit_states, "audits.detail", "audit_code"),
                                        ("action", actions.action_states, "actions.detail", "action_code"),
                                        ("review", reviews.review_states, "reviews.detail", "review_code")):
        for i, (state, label) in reader(ids.get(kind)).items():
            states[(kind, i)] = state
            labels[(kind, i)] = (label, url_for(endpoint, **{arg: label.split(" · ")[0]}))
    labels.update({("document", d.id): (f"{d.code} {d.title}", url_for("documents.detail", code=d.code))
                   for d in documents.documents_by_ids(ids.get("document"))})
    return in_force, states, labels


def activity_rows(programme_: WorkProgramme | None) -> list[ActivityRow]:
    if programme_ is None:
        return []
    today = today_local()
    in_force, states, labels = _linked(programme_.activities)
    rows = []
    for a in programme_.activities:
        done = activity_done(a.link_kind, a.link_id, a.state, in_force, states)
        label, url = labels.get((a.link_kind, a.link_id), ("", ""))
        if not label and a.link_kind:
            label = "(el objeto vinculado ya no existe)"
        rows.append(ActivityRow(a, done, is_overdue(done, a.ends_on, today), label, url))
    return rows


def timeline(rows: list[ActivityRow], year: int) -> list[dict]:
    """Each activity as a bar over the year: offset and width in percent (CSS, no library)."""
    from datetime import date

    start, end = date(year, 1, 1), date(year, 12, 31)
    span = (end - start).days + 1
    bars = []
    for r in rows:
        first, last = max(r.activity.starts_on, start), min(r.activity.ends_on, end)
        left = max(0, (first - start).days) / span * 100
        width = max(1.0, ((last - first).days + 1) / span * 100) if last >= first else 1.0
        bars.append({"row": r, "left": round(left, 2), "width": round(min(width, 100 - left), 2)})
    return bars


# -- the year's facts --------------------------------------------------------------------------
def _documents() -> list[dict]:
    from qms.documents import queries as documents
    from qms.org.models import Process

    codes = dict(db.session.execute(sa.select(Process.id, Process.code)).all())
    return [{**d, "process": codes.get(d["process_id"], ""),
             "url": url_for("word.verify", verification_code=d["verification_code"], _external=True)}
            for d in documents.in_force_of_types(("MC", "PR"))]


def _record_url(record_id, fallback: str) -> str:
    return url_for("records.detail", record_id=record_id, _external=True) if record_id else fallback


def _audit_facts(year: int) -> tuple[dict | None, list[dict]]:
    from qms.audits import queries as audits

    found = audits.year_audits(year)
    programme_url = url_for("audits.programme", year=year, _external=True)
    prog = {**found["programme"], "url": programme_url} if found["programme"] else None
    rows = [{**a, "url": _record_url(a["record_id"], url_for("audits.detail", audit_code=a["code"], _external=True))}
            for a in found["audits"] if a["type"] == "internal"]
    return prog, rows


def year_facts(year: int) -> YearFacts:
    """Everything QMS holds for ``year`` that the PMG asks for, in a fixed number of statements."""
    from qms.actions import queries as actions
    from qms.records import queries as records
    from qms.reviews import queries as reviews

    assessed: dict = {}
    for line in assessments(year):
        assessed[line.process.code] = assessed.get(line.process.code, 0) + 1
    scope_rows = [{"process": s.process.code, "included": s.is_included, "reason": s.reason,
                   "regions": s.region_codes or []} for s in scope(year)]
    plan_rows = [{"year": p.year, "process": p.process.code, "region": p.region_code} for p in plan(year - 2)
                 if p.year <= year + 2]
    prog = programme(year)
    programme_facts = None
    if prog is not None:
        programme_facts = {"state": prog.state, "activities": [
            {"number": r.activity.number, "title": r.activity.title, "done": r.done, "ends_on": r.activity.ends_on}
            for r in activity_rows(prog)]}
    audit_programme, audit_rows = _audit_facts(year)
    uploads: dict = {}
    evidence = db.session.scalars(sa.select(PmgEvidence).join(PmgObjective).where(PmgObjective.year == year)).all()
    found = records.records_by_ids([e.record_id for e in evidence])
    for e in evidence:
        if e.record_id in found and found[e.record_id]["state"] == "active":
            uploads.setdefault((e.objective_id, e.kind), []).append({**found[e.record_id], "url": _record_url(e.record_id, "")})
    return YearFacts(
        year=year, assessed=assessed, scope=scope_rows, plan=plan_rows, programme=programme_facts,
        documents=_documents(), audit_programme=audit_programme, audits=audit_rows,
        actions=[{**a, "url": _record_url(a["record_id"], url_for("actions.detail", action_code=a["code"],
                                                                   _external=True))}
                 for a in actions.year_actions(year)],
        reviews=[{**r, "url": _record_url(r["record_id"], url_for("reviews.detail", review_code=r["code"],
                                                                   _external=True))}
                 for r in reviews.year_reviews(year)],
        certificates=[{**c, "url": _record_url(c["id"], "")} for c in records.active_records_of_type("CERT-ISO", year)],
        uploads=uploads,
        pages={"diagnosis": url_for("pmg.diagnosis", year=year, _external=True),
               "scope": url_for("pmg.scope", year=year, _external=True),
               "plan": url_for("pmg.plan", year=year, _external=True),
               "programme": url_for("pmg.programme", year=year, _external=True)})


def stage_view(year: int) -> dict:
    """The year's commitment, its checklist (the objectives of the committed stage) with each state."""
    commitment_ = commitment(year)
    if commitment_ is None:
        return {"commitment": None, "results": [], "counts": {}}
    facts = year_facts(year)
    results = [objective_result(o, facts) for o in objectives(year, commitment_.stage)]
    counts = {s: sum(1 for r in results if r.state == s) for s in ("met", "ongoing", "pending")}
    return {"commitment": commitment_, "results": results, "counts": counts, "facts": facts}


# -- gender and territorial perspective --------------------------------------------------------
def perspective_gaps(year: int) -> list[dict]:
    """Each process whose strategic products carry enfoque de género or perspectiva territorial:
    its procedure in force and its indicators disaggregated (by sex, by region), with what is missing."""
    from qms.documents import queries as documents
    from qms.indicators import queries as indicators
    from qms.org.models import Process

    flagged = db.session.scalars(sa.select(Process).where(
        Process.is_active.is_(True), sa.or_(Process.has_gender_focus.is_(True), Process.has_territorial_focus.is_(True)))
        .order_by(Process.code)).all()
    if not flagged:
        return []
    with_procedure = {d["process_id"] for d in documents.in_force_of_types(("PR",))}
    active = [i for i in indicators.every_indicator() if i.is_active]
    out = []
    for p in flagged:
        own = [i for i in active if i.process_id == p.id]
        gaps = [] if p.id in with_procedure else [f"El proceso {p.code} no tiene procedimiento vigente."]
        focus = []
        if p.has_gender_focus:
            focus.append("enfoque de género")
            if not any(i.is_by_sex for i in own):
                gaps.append(f"El proceso {p.code} no tiene indicadores desagregados por sexo.")
        if p.has_territorial_focus:
            focus.append("perspectiva territorial")
            if not any(i.is_by_region for i in own):
                gaps.append(f"El proceso {p.code} no tiene indicadores desagregados por región.")
        out.append({"process": p, "focus": " y ".join(focus), "indicators": [i.code for i in own], "gaps": gaps})
    return out


def inbox(user) -> list[dict]:
    """Work programmes waiting for the head of service's signature; the user's open activities of
    this year's programme (overdue first)."""
    sections = []
    mine = db.session.scalar(sa.select(PmgActivity.id).join(WorkProgramme).where(
        WorkProgramme.year == today_local().year, PmgActivity.responsible_id == user.id).limit(1))
    if mine is not None:
        rows = [r for r in activity_rows(programme(today_local().year))
                if r.activity.responsible_id == user.id and not r.done]
        if rows:
            sections.append({"title": "Mis actividades del programa de trabajo PMG", "items": [
                {"label": f"{r.activity.number}. {r.activity.title}",
                 "url": url_for("pmg.programme", year=r.activity.programme.year),
                 "note": f"termina el {format_date(r.activity.ends_on)}", "overdue": r.overdue}
                for r in sorted(rows, key=lambda r: (not r.overdue, r.activity.ends_on))]})
    if access.can_approve(user):
        waiting = db.session.scalars(sa.select(WorkProgramme).where(WorkProgramme.state == "draft",
                                                                    WorkProgramme.activities.any())).all()
        if waiting:
            sections.append({"title": "Programas de trabajo PMG por aprobar", "items": [
                {"label": f"Programa de trabajo PMG {p.year}", "url": url_for("pmg.programme", year=p.year),
                 "note": f"{len(p.activities)} actividades", "overdue": False} for p in waiting]})
    return sections
