"""Operations on management reviews: the only place that changes them.

Plan (participants, period, agenda) → analyse each input → hold (attendance; the input
pack is frozen) → decide (each decision may raise an improvement action) → approve
(signed with the password by the head of service; the acta is generated, stored
immutably and registered as a record). Each function checks the permission and the
state, writes the trail and flushes, never commits.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from qms.core import permissions as P
from qms.core import signing
from qms.core.checks import choice, date_order, not_future, require, text
from qms.core.codes import next_yearly_code
from qms.core.locking import lock
from qms.errors import ServiceError
from qms.extensions import db
from qms.reviews import notices
from qms.reviews.models import DECISION_KINDS, ManagementReview, ReviewDecision
from qms.reviews.pack import INPUTS, compile_pack
from qms.reviews.workflow import WORKFLOW
from qms.timeutil import format_date, now_utc, today_local
from qms.trail import service as trail


def _people(participants) -> list[dict]:
    people = [p for p in participants if p is not None]
    if not people:
        raise ServiceError("Indique al menos un participante de la revisión.", field="participants")
    return [{"user_id": p.id, "name": p.full_name, "position": p.position or "", "attended": False}
            for p in dict.fromkeys(people)]


def _period(start: date | None, end: date | None) -> None:
    if start is None or end is None:
        raise ServiceError("Indique el periodo que cubre la revisión (desde y hasta).", field="period_start")
    date_order(start, end, "El periodo termina antes de empezar.", "period_end")


def plan(actor, *, period_start: date | None, period_end: date | None, planned_on: date | None, agenda: str,
         participants) -> ManagementReview:
    """Plan a review: ``RD-2026-01``, the period it covers, its date, agenda and participants."""
    require(actor, P.REVIEW_MANAGE)
    _period(period_start, period_end)
    if planned_on is None:
        raise ServiceError("Indique la fecha de la reunión.", field="planned_on")
    review = ManagementReview(
        code=next_yearly_code("RD", planned_on.year, ManagementReview.code, width=2), year=planned_on.year,
        period_start=period_start, period_end=period_end, planned_on=planned_on,
        agenda=text(agenda, "La tabla (agenda)", "agenda"), participants=_people(participants), analysis={},
        state="planned", created_by_id=actor.id)
    db.session.add(review)
    db.session.flush()
    trail.record(actor, "review.planned", "management_review", review.id, review.code, {
        "period": [period_start, period_end], "planned_on": planned_on,
        "participants": [p["name"] for p in review.participants]})
    notices.planned(actor, review)
    return review


def _check_open(review: ManagementReview) -> None:
    lock(review)
    if review.state == "approved":
        raise ServiceError("La revisión está aprobada: su acta ya no cambia.")


def save_analysis(actor, review: ManagementReview, analyses: dict) -> ManagementReview:
    """Save the committee's analysis of the inputs (until the review is approved)."""
    require(actor, P.REVIEW_MANAGE)
    _check_open(review)
    before = dict(review.analysis or {})
    after = {key: text(analyses.get(key, before.get(key, "")), f"El análisis de «{title}»", f"analysis_{key}",
                       required=False) for key, title in INPUTS.items()}
    review.analysis = after
    db.session.flush()
    trail.record(actor, "review.analysis_saved", "management_review", review.id, review.code,
                 {"changed": sorted(k for k in after if after[k] != before.get(k, ""))})
    return review


def previous_decisions(review: ManagementReview) -> list[dict]:
    """The decisions of the reviews held before this one, with the state of their actions (input a)."""
    earlier = db.session.scalars(sa.select(ReviewDecision).join(ManagementReview).where(
        ManagementReview.id != review.id, ManagementReview.state.in_(("held", "approved")),
        ManagementReview.planned_on <= review.planned_on).order_by(ManagementReview.planned_on,
                                                                    ReviewDecision.number)).all()
    return [{"label": d.label, "kind": d.kind_label, "description": d.description, "owner": d.owner.full_name,
             "due_date": format_date(d.due_date), "action_code": d.action.code if d.action else "",
             "action_state": d.action.state_label if d.action else ""} for d in earlier]


def pack_for(review: ManagementReview) -> dict:
    """The input pack: frozen once held, compiled live before."""
    if review.snapshot is not None:
        return review.snapshot
    return compile_pack(review.period_start, review.period_end, review.period_end.year, previous_decisions(review))


def hold(actor, review: ManagementReview, *, held_on: date | None, attended_ids) -> ManagementReview:
    """Record that the meeting took place and who attended; freeze the input pack."""
    require(actor, P.REVIEW_MANAGE)
    lock(review)
    WORKFLOW.check("hold", review.state)
    held_on = held_on or today_local()
    not_future(held_on, "La fecha de la reunión", "held_on")
    attended = {int(i) for i in attended_ids}
    people = [dict(p, attended=p["user_id"] in attended) for p in review.participants]
    if not any(p["attended"] for p in people):
        raise ServiceError("Marque quiénes asistieron: una revisión sin asistentes no se registra.",
                           field="attended")
    review.participants, review.held_on = people, held_on
    review.snapshot = pack_for(review)
    review.state = "held"
    db.session.flush()
    trail.record(actor, "review.transition", "management_review", review.id, review.code, {
        "transition": "hold", "held_on": held_on, "attended": [p["name"] for p in people if p["attended"]]})
    return review


def add_decision(actor, review: ManagementReview, *, kind: str, description: str, owner, due_date: date | None,
                 raise_action: bool = False) -> ReviewDecision:
    """Record an output of the review (9.3.3); optionally raise the improvement action it calls for."""
    from qms.actions import service as actions

    require(actor, P.REVIEW_MANAGE)
    _check_open(review)
    if review.state != "held":
        raise ServiceError("Las decisiones se registran cuando la revisión se ha realizado.")
    kind = choice(kind, DECISION_KINDS, "el tipo de decisión", "kind")
    description = text(description, "La descripción de la decisión", "description")
    if owner is None:
        raise ServiceError("Indique el o la responsable de la decisión.", field="owner_id")
    if due_date is None:
        raise ServiceError("Indique el plazo de la decisión.", field="due_date")
    date_order(review.held_on, due_date, "El plazo no puede ser anterior a la reunión.", "due_date")
    number = len(review.decisions) + 1
    decision = ReviewDecision(review=review, number=number, kind=kind, description=description, owner_id=owner.id,
                              due_date=due_date)
    db.session.add(decision)
    db.session.flush()
    if raise_action:
        action = actions.create_action(
            actor, kind="improvement", source_kind="review", source_id=review.id,
            source_ref=f"{review.code} D{number}", title=f"{review.code} D{number}: {description}"[:250],
            problem=f"Decisión de la revisión por la dirección {review.code} ({DECISION_KINDS[kind].lower()}): "
                    f"{description}", owner=owner)
        decision.action_id = action.id
        db.session.flush()
    trail.record(actor, "review.decision_added", "management_review", review.id, review.code, {
        "number": number, "kind": kind, "description": description, "owner": owner.id, "due_date": due_date,
        "action": decision.action.code if decision.action_id else None})
    return decision


def _check_ready(review: ManagementReview) -> None:
    if not review.attendees:
        raise ServiceError("El acta no tiene participantes que asistieron: registre la asistencia.")
    missing = [title for key, title in INPUTS.items() if not (review.analysis or {}).get(key, "").strip()]
    if missing:
        raise ServiceError("Falta el análisis del comité de: " + "; ".join(missing) + ".", field="analysis")


def approve(actor, review: ManagementReview, password: str) -> ManagementReview:
    """The head of service signs the minutes; the acta is generated, stored and registered as a record."""
    require(actor, P.REVIEW_APPROVE)
    lock(review)
    WORKFLOW.check("approve", review.state)
    _check_ready(review)
    signing.confirm_password(actor, password)
    review.state, review.approved_by_id, review.approved_at = "approved", actor.id, now_utc()
    db.session.flush()
    trail.record(actor, "review.transition", "management_review", review.id, review.code, {"transition": "approve"})
    _generate_acta(actor, review)
    return review


def _generate_acta(actor, review: ManagementReview) -> None:
    from qms.records.service import store_report
    from qms.reviews.report import acta_context

    review.acta_sha256, review.acta_record_id = store_report(
        "revision_direccion.docx", acta_context(review), actor=actor, type_code="ACTA-RD",
        title=f"Acta de revisión por la dirección {review.code}", record_date=review.held_on, process=None,
        region_code=None, filename=f"{review.code}.docx", source_kind="management_review", source_id=review.id)
    db.session.flush()
    trail.record(actor, "review.acta_generated", "management_review", review.id, review.code,
                 {"sha256": review.acta_sha256, "record": review.acta_record_id})
