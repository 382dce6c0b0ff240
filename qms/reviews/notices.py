"""What management reviews tell people: the participants of a planned review, and the
owners of its decisions as their due dates come (until the action they raised closes)."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from qms import notifications
from qms.auth.models import User
from qms.core import permissions as P
from qms.extensions import db
from qms.notifications import DUE_SOON, OVERDUE, CalendarEntry, Reminder
from qms.reviews.models import ManagementReview, ReviewDecision
from qms.timeutil import format_date

GROUP = "Revisión por la dirección"
notifications.register_kind("review:planned", "Revisión por la dirección convocada", GROUP)
notifications.register_kind("review:decision_due", "Decisión de la revisión próxima a vencer o vencida", GROUP)

#: Days before a decision's due date that its owner is told.
LEAD_DAYS = 7
#: States of the raised action in which the decision is done.
DONE_ACTION_STATES = ("closed", "withdrawn")


def planned(actor, review: ManagementReview) -> None:
    """The invited participants learn the date of the review."""
    ids = [p.get("user_id") for p in review.participants or [] if p.get("user_id")]
    people = db.session.scalars(sa.select(User).where(User.id.in_(ids))).all() if ids else []
    notifications.notify("review:planned", "management_review", review.id, people,
                         f"Usted participa en la revisión por la dirección {review.code} del "
                         f"{format_date(review.planned_on)}.", actor=actor)


def reminders(today: date):
    """Decisions due within a week or overdue whose action (if any) is still open."""
    decisions = db.session.scalars(
        sa.select(ReviewDecision).where(ReviewDecision.due_date <= today + timedelta(days=LEAD_DAYS))
        .options(joinedload(ReviewDecision.review), joinedload(ReviewDecision.owner),
                 joinedload(ReviewDecision.action))).unique().all()
    for decision in decisions:
        if decision.action is not None and decision.action.state in DONE_ACTION_STATES:
            continue
        stage = OVERDUE if decision.due_date < today else DUE_SOON
        word = "venció" if stage == OVERDUE else "vence"
        yield Reminder("review:decision_due", "management_review", decision.review_id,
                       f"La decisión {decision.label} ({decision.description}) {word} el "
                       f"{format_date(decision.due_date)}.", decision.due_date, stage, [decision.owner],
                       None, P.REVIEW_MANAGE)


def calendar(user):
    """Reviews the person takes part in, and the due dates of the decisions they own."""
    for review in db.session.scalars(sa.select(ManagementReview).where(ManagementReview.state == "planned")):
        if any(p.get("user_id") == user.id for p in review.participants or []):
            yield CalendarEntry(f"review-{review.id}", f"Revisión por la dirección {review.code}",
                                review.planned_on, "management_review", review.id, review.agenda)
    for decision in db.session.scalars(sa.select(ReviewDecision).where(ReviewDecision.owner_id == user.id)
                                       .options(joinedload(ReviewDecision.review))):
        yield CalendarEntry(f"review-decision-{decision.id}", f"Plazo {decision.label}", decision.due_date,
                            "management_review", decision.review_id, decision.description)


notifications.register_reminders(reminders)
notifications.register_calendar(calendar)
