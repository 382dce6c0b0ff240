"""Operations on the annual work programme (re-exported by ``qms.pmg.service``).

The committee drafts activities; the head of service approves the programme with their
password; every change after approval raises the programme's revision and is trailed
with what changed. An activity naming an object is completed by that object's own
workflow (``evidence.activity_done``), never by typing.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from qms.core import permissions as P
from qms.core import signing
from qms.core.checks import choice, date_order, require, text
from qms.core.locking import lock
from qms.errors import ServiceError
from qms.extensions import db
from qms.pmg.models import ACTIVITY_STATES, LINK_KINDS, PmgActivity, WorkProgramme
from qms.pmg.workflow import WORKFLOW
from qms.timeutil import format_date, now_utc
from qms.trail import service as trail

#: Years a programme may be about (a typo of 20266 is refused, not stored).
FIRST_YEAR, LAST_YEAR = 2000, 2100
ACTIVITY_FIELDS = ("title", "responsible_id", "starts_on", "ends_on", "state", "progress", "link_kind", "link_id",
                   "objective_id")


def year_of(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ServiceError("Indique un año válido.", field="year")
    return year


def _entry(actor, event: str, programme: WorkProgramme, details: dict) -> None:
    trail.record(actor, event, "pmg_programme", programme.id, f"Programa de trabajo PMG {programme.year}", details)


def open_programme(actor, year) -> WorkProgramme:
    """The work programme of ``year``, created as a draft the first time."""
    require(actor, P.PMG_MANAGE)
    year = year_of(year)
    programme = db.session.scalar(sa.select(WorkProgramme).where(WorkProgramme.year == year))
    if programme is None:
        programme = WorkProgramme(year=year, state="draft")
        db.session.add(programme)
        db.session.flush()
        _entry(actor, "pmg.programme_created", programme, {"year": year})
    return programme


def _link(link_kind: str, link_id) -> tuple[str, int | None]:
    link_kind = choice(link_kind or "", LINK_KINDS, "el tipo de objeto vinculado", "link_kind")
    if link_kind and not link_id:
        raise ServiceError(f"Elija el objeto vinculado ({LINK_KINDS[link_kind].lower()}).", field="link_id")
    return link_kind, (link_id if link_kind else None)


def _values(programme, *, title, responsible, starts_on, ends_on, state, progress, link_kind, link_id,
            objective) -> dict:
    if starts_on is None or ends_on is None:
        raise ServiceError("Indique el inicio y el término de la actividad.", field="starts_on")
    date_order(starts_on, ends_on, f"La actividad termina ({format_date(ends_on)}) antes de empezar "
                                   f"({format_date(starts_on)}).", "ends_on")
    if progress is None or not 0 <= progress <= 100:
        raise ServiceError("El avance es un porcentaje entre 0 y 100.", field="progress")
    if objective is not None and objective.year != programme.year:
        raise ServiceError(f"El objetivo es del programa {objective.year}, no de {programme.year}.",
                           field="objective_id")
    link_kind, link_id = _link(link_kind, link_id)
    return {"title": text(title, "La actividad", "title", max_length=250),
            "responsible_id": responsible.id if responsible else None, "starts_on": starts_on, "ends_on": ends_on,
            "state": choice(state or "pending", ACTIVITY_STATES, "el estado", "state"), "progress": progress,
            "link_kind": link_kind, "link_id": link_id, "objective_id": objective.id if objective else None}


def save_activity(actor, programme: WorkProgramme, activity: PmgActivity | None = None, *, title: str,
                  responsible=None, starts_on: date | None, ends_on: date | None, state: str = "pending",
                  progress: int | None = 0, link_kind: str = "", link_id: int | None = None,
                  objective=None) -> PmgActivity:
    """Add an activity to the programme or change one; after approval each change is a trailed revision."""
    require(actor, P.PMG_MANAGE)
    lock(programme)
    values = _values(programme, title=title, responsible=responsible, starts_on=starts_on, ends_on=ends_on,
                     state=state, progress=progress, link_kind=link_kind, link_id=link_id, objective=objective)
    if activity is None:
        number = max((a.number for a in programme.activities), default=0) + 1
        activity = PmgActivity(programme_id=programme.id, number=number, **values)
        db.session.add(activity)
        changes = {k: [None, v] for k, v in values.items()}
    else:
        if activity.programme_id != programme.id:
            raise ServiceError("La actividad no es de este programa.")
        changes = {k: [getattr(activity, k), v] for k, v in values.items() if getattr(activity, k) != v}
        if not changes:
            return activity
        for key, value in values.items():
            setattr(activity, key, value)
    revised = programme.is_approved
    if revised:
        programme.revision += 1
    db.session.flush()
    db.session.refresh(programme, ["activities"])
    _entry(actor, "pmg.programme_revised" if revised else "pmg.activity_saved", programme,
           {"activity": activity.number, "revision": programme.revision if revised else None, "changes": changes})
    return activity


def add_gap_activity(actor, assessment, *, responsible=None, starts_on: date | None, ends_on: date | None):
    """Turn a gap of the diagnosis into an activity of that year's work programme."""
    require(actor, P.PMG_MANAGE)
    lock(assessment)
    if not assessment.has_gap:
        raise ServiceError("Solo una cláusula que no se cumple, o se cumple en parte, tiene una brecha que cerrar.")
    if assessment.activity_id:
        raise ServiceError("Esa brecha ya tiene su actividad en el programa de trabajo.")
    programme = open_programme(actor, assessment.year)
    title = f"Cerrar la brecha de {assessment.process.code} en la cláusula {assessment.clause_number}: {assessment.gap}"
    activity = save_activity(actor, programme, title=title[:250], responsible=responsible, starts_on=starts_on,
                             ends_on=ends_on)
    assessment.activity_id = activity.id
    db.session.flush()
    return activity


def approve_programme(actor, programme: WorkProgramme, password: str) -> WorkProgramme:
    """The head of service signs the programme; each activity must name its responsible."""
    require(actor, P.PMG_APPROVE)
    lock(programme)
    WORKFLOW.check("approve", programme.state)
    if not programme.activities:
        raise ServiceError("El programa no tiene actividades que aprobar.")
    lacking = [f"{a.number} «{a.title[:60]}»" for a in programme.activities if a.responsible_id is None]
    if lacking:
        raise ServiceError("No se puede aprobar: estas actividades no tienen responsable: " + "; ".join(lacking) + ".")
    signing.confirm_password(actor, password)
    programme.state, programme.approved_by_id, programme.approved_at = "approved", actor.id, now_utc()
    db.session.flush()
    _entry(actor, "pmg.programme_approved", programme, {"activities": len(programme.activities)})
    return programme
