"""Management reviews tell people through the notification centre: the participants are
invited; a decision's owner is reminded as its due date comes, until its action closes."""
from __future__ import annotations

from datetime import date, datetime, timezone

import icalendar
import sqlalchemy as sa
from freezegun import freeze_time

from qms.extensions import db
from qms.notifications import calendar_feed, reminders
from qms.notifications.models import Notification


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def _texts(user, kind):
    return [n.text for n in db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        .order_by(Notification.id))]


def test_review_participants_are_invited_and_decisions_reminded_until_their_action_closes(users, review):
    from qms.actions.models import Action
    from qms.reviews import service

    for person in ("quality", "approver", "auditor"):
        if person != "quality":  # the one who planned it is not told
            assert _texts(users[person], "review:planned") == [
                f"Usted participa en la revisión por la dirección {review.code} del 15-11-2026."]
    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["quality"].id])
    with_action = service.add_decision(users["quality"], review, kind="improvement", description="Digitalizar",
                                       owner=users["staff"], due_date=date(2026, 12, 10), raise_action=True)
    service.add_decision(users["quality"], review, kind="resource", description="Un analista",
                         owner=users["approver"], due_date=date(2026, 12, 10))
    db.session.commit()
    kind = "review:decision_due"
    with freeze_time(_noon(date(2026, 12, 1))):  # nine days before: nothing
        reminders.run()
    assert _texts(users["staff"], kind) == []
    with freeze_time(_noon(date(2026, 12, 4))):
        reminders.run()
    assert _texts(users["staff"], kind) == [f"La decisión {review.code} D1 (Digitalizar) vence el 10-12-2026."]
    assert _texts(users["approver"], kind) == [f"La decisión {review.code} D2 (Un analista) vence el 10-12-2026."]
    db.session.get(Action, with_action.action_id).state = "closed"
    db.session.commit()
    with freeze_time(_noon(date(2026, 12, 11))):
        reminders.run()
    assert len(_texts(users["staff"], kind)) == 1  # its action closed: no overdue reminder
    assert "venció" in _texts(users["approver"], kind)[-1]


def _calendar(user) -> dict:
    events = icalendar.Calendar.from_ical(calendar_feed.feed(user)).walk("VEVENT")
    return {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}


def test_the_calendar_holds_the_planned_review_then_the_decision_due_dates(users, review):
    from qms.reviews import service

    assert _calendar(users["approver"])[f"Revisión por la dirección {review.code}"] == date(2026, 11, 15)
    assert f"Revisión por la dirección {review.code}" not in _calendar(users["staff"])  # not a participant
    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["quality"].id])
    service.add_decision(users["quality"], review, kind="resource", description="Un analista",
                         owner=users["approver"], due_date=date(2026, 12, 10))
    db.session.commit()
    days = _calendar(users["approver"])
    assert days[f"Plazo {review.code} D1"] == date(2026, 12, 10)
    assert f"Revisión por la dirección {review.code}" not in days  # held: no longer ahead
