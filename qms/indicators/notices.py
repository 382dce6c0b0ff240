"""What indicators tell people: a measurement waiting for the committee's confirmation, and
the period whose measurement is due (or late) for its responsible."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from qms import notifications
from qms.auth.queries import enabled_users
from qms.core import permissions as P
from qms.extensions import db
from qms.indicators.models import Indicator, Measurement
from qms.indicators.periods import Period, periods_of
from qms.notifications import DUE_SOON, OVERDUE, CalendarEntry, Reminder
from qms.timeutil import format_date, today_local

GROUP = "Indicadores"
notifications.register_kind("indicator:to_confirm", "Medición de indicador por confirmar", GROUP)
notifications.register_kind("indicator:measurement_due", "Medición de indicador pendiente o atrasada", GROUP)

#: Days after a period ends that its measurement is due.
MEASURE_WITHIN_DAYS = 15
#: Periods that ended longer ago than this are not reminded (no flood of old gaps at install;
#: they still show in the indicator's page).
REMIND_HORIZON_DAYS = 90


def entered(actor, indicator: Indicator, measurement: Measurement) -> None:
    """The committee learns that a measurement waits for its confirmation."""
    period = Period(measurement.year, indicator.frequency, measurement.period)
    notifications.notify("indicator:to_confirm", "indicator", indicator.id, enabled_users(P.INDICATOR_MANAGE),
                         f"{actor.full_name} ingresó la medición {period.label} del indicador {indicator.code} "
                         f"«{indicator.name}»: espera su confirmación.", actor=actor)


def due_date(period: Period) -> date:
    return period.end + timedelta(days=MEASURE_WITHIN_DAYS)


def _recent_periods(indicator: Indicator, today: date) -> list[Period]:
    """Ended periods of this year and last whose due date is within the reminder horizon, in
    the years the indicator has a target for (the years it is measured)."""
    found = []
    measured_years = {t.year for t in indicator.targets}
    for year in sorted(measured_years & {today.year - 1, today.year}):
        for period in periods_of(year, indicator.frequency):
            if period.end < today and today - due_date(period) <= timedelta(days=REMIND_HORIZON_DAYS):
                found.append(period)
    return found


def reminders(today: date):
    """Each active indicator's recently ended periods that have no measurement yet."""
    indicators = db.session.scalars(sa.select(Indicator).where(Indicator.is_active.is_(True))
                                    .options(joinedload(Indicator.responsible), joinedload(Indicator.targets))).unique().all()
    if not indicators:
        return
    measured = {tuple(row) for row in db.session.execute(
        sa.select(Measurement.indicator_id, Measurement.year, Measurement.period)
        .where(Measurement.year >= today.year - 1))}
    for indicator in indicators:
        for period in _recent_periods(indicator, today):
            if (indicator.id, period.year, period.number) in measured:
                continue
            due = due_date(period)
            stage = OVERDUE if due < today else DUE_SOON
            word = "venció" if stage == OVERDUE else "vence"
            yield Reminder("indicator:measurement_due", "indicator", indicator.id,
                           f"La medición {period.label} del indicador {indicator.code} «{indicator.name}» "
                           f"{word} el {format_date(due)}.", due, stage, [indicator.responsible],
                           indicator.process_id, P.INDICATOR_MANAGE)


def calendar(user):
    """The due dates of the measurements the person is responsible for, this year."""
    today = today_local()
    for indicator in db.session.scalars(sa.select(Indicator).where(
            Indicator.responsible_id == user.id, Indicator.is_active.is_(True))):
        for period in periods_of(today.year, indicator.frequency):
            yield CalendarEntry(f"indicator-{indicator.id}-{period.year}-{period.number}",
                                f"Medición {period.label} · {indicator.code}", due_date(period), "indicator",
                                indicator.id, indicator.name)


notifications.register_reminders(reminders)
notifications.register_calendar(calendar)
