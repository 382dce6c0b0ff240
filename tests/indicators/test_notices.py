"""Indicators tell people through the notification centre: a measurement waits for the
committee; a period's measurement is reminded when due, then when late, once each."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from freezegun import freeze_time

from qms.extensions import db
from qms.notifications import reminders
from qms.notifications.models import Notification


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def _texts(user, kind):
    return [n.text for n in db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        .order_by(Notification.id))]


def test_an_entered_measurement_waits_for_the_committee(users, indicator):
    from qms.indicators import measurements

    measurements.enter(users["staff"], indicator, year=2026, period=1, numerator="45", denominator="50",
                       today=date(2026, 4, 10))
    db.session.commit()
    (text,) = _texts(users["quality"], "indicator:to_confirm")
    assert f"T1 2026 del indicador {indicator.code}" in text and "espera su confirmación" in text
    assert _texts(users["staff"], "indicator:to_confirm") == []  # the one who entered it is not told


def test_a_missing_measurement_is_reminded_once_when_due_then_when_late(users, indicator):
    from qms.indicators import measurements

    kind = "indicator:measurement_due"
    with freeze_time(_noon(date(2026, 4, 5))):  # T1 ended, due 15-04
        reminders.run()
        reminders.run()
    assert _texts(users["staff"], kind) == [
        f"La medición T1 2026 del indicador {indicator.code} «{indicator.name}» vence el 15-04-2026."]
    with freeze_time(_noon(date(2026, 4, 20))):
        reminders.run()
    assert "venció el 15-04-2026" in _texts(users["staff"], kind)[-1]
    assert len(_texts(users["staff"], kind)) == 2
    measurements.enter(users["staff"], indicator, year=2026, period=2, numerator="1", denominator="2",
                       today=date(2026, 7, 2))
    db.session.commit()
    with freeze_time(_noon(date(2026, 7, 3))):  # T2 measured: nothing new about T2
        reminders.run()
    assert not any("T2 2026" in t for t in _texts(users["staff"], kind))
