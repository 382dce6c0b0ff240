"""Time helpers: everything is stored in UTC and shown in the institution's zone."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "America/Santiago"


def local_zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


#: When set, the business clock reads this instant (loading historical data).
_clock_override: ContextVar[datetime | None] = ContextVar("qms_clock_override", default=None)


def system_now() -> datetime:
    """Return the real current instant in UTC; the audit trail always uses it."""
    return datetime.now(timezone.utc)


def now_utc() -> datetime:
    """Return the business clock's instant, timezone-aware in UTC."""
    return _clock_override.get() or system_now()


@contextmanager
def clock_at(moment: datetime):
    """Run the block with the business clock set to ``moment`` (for loading history).

    Dates of documents and signatures follow it; the audit trail keeps real time, so it
    shows truthfully when the history was entered.
    """
    token = _clock_override.set(moment.astimezone(timezone.utc))
    try:
        yield
    finally:
        _clock_override.reset(token)


@contextmanager
def on_day(day: date):
    """Run the block with the business clock at noon (Santiago) of ``day``.

    Noon keeps the local date the same in UTC, so a step loaded "on" a day is dated that day.
    """
    with clock_at(datetime(day.year, day.month, day.day, 12, 0, tzinfo=local_zone())):
        yield


def today_local() -> date:
    """Return today's date in the institution's timezone."""
    return now_utc().astimezone(local_zone()).date()


def to_local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(local_zone())


def format_date(value: date | datetime | None) -> str:
    """Return ``dd-mm-aaaa`` (local date for instants)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d-%m-%Y")


def format_datetime(value: datetime | None) -> str:
    """Return ``dd-mm-aaaa HH:MM`` in local time."""
    if value is None:
        return ""
    return to_local(value).strftime("%d-%m-%Y %H:%M")


def parse_date(text: str) -> date:
    """Parse ``dd-mm-aaaa`` or ISO ``aaaa-mm-dd``; raise ValueError otherwise."""
    text = (text or "").strip()
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"fecha inválida: {text!r}")


def add_months(start: date, months: int) -> date:
    """Return ``start`` plus ``months`` calendar months, clamped to the month's last day."""
    import calendar

    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_working_days(start: date, days: int) -> date:
    """Return the date ``days`` working days (Monday to Friday) after ``start``."""
    from datetime import timedelta

    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
