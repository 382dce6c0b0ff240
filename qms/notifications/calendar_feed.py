"""A person's iCalendar feed (audits, due dates, reviews) behind a secret, revocable URL.

The URL carries a random token; only its SHA-256 is stored (``CalendarToken``), so the
address is shown once, when made. Making a new one or revoking deletes the old one, and
a feed reader holding the old address gets a 404 from then on.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar, Event

from qms.auth.models import User
from qms.extensions import db
from qms.notifications import mailer
from qms.notifications.models import CalendarToken
from qms.notifications.registry import calendar_sources
from qms.notifications.service import object_link
from qms.timeutil import now_utc
from qms.trail import service as trail


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(actor) -> str:
    """Make ``actor`` a new feed token (the previous one stops working); return it."""
    replaced = _delete(actor)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarToken(user_id=actor.id, token_sha256=_digest(token), created_at=now_utc()))
    db.session.flush()
    trail.record(actor, "notifications.calendar_issued", "user", actor.id, actor.username, {"replaced": replaced})
    return token


def revoke(actor) -> bool:
    deleted = _delete(actor)
    if deleted:
        trail.record(actor, "notifications.calendar_revoked", "user", actor.id, actor.username, {})
    return deleted


def _delete(actor) -> bool:
    deleted = db.session.execute(sa.delete(CalendarToken).where(CalendarToken.user_id == actor.id)).rowcount
    db.session.flush()
    return bool(deleted)


def has_token(user) -> CalendarToken | None:
    return db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user.id))


def user_for(token: str) -> User | None:
    """The enabled user whose feed ``token`` opens, or None."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(sa.select(User).join(CalendarToken, CalendarToken.user_id == User.id)
                             .where(CalendarToken.token_sha256 == _digest(token)))
    return user if user is not None and user.is_enabled else None


def feed(user) -> bytes:
    """The ``text/calendar`` body of ``user``'s feed: one all-day event per entry."""
    calendar = Calendar()
    calendar.add("prodid", "-//QMS//Calendario de calidad//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"QMS: {user.full_name}")
    stamp = now_utc()
    for source in calendar_sources():
        for entry in source(user):
            event = Event()
            event.add("uid", f"{entry.uid}@qms")
            event.add("summary", entry.summary)
            event.add("dtstart", entry.day)
            event.add("dtend", (entry.end_day or entry.day) + timedelta(days=1))
            event.add("dtstamp", stamp)
            link = object_link(entry.object_type, entry.object_id) if entry.object_type else ""
            if link:
                event.add("url", mailer.absolute(link))
            if entry.description or link:
                event.add("description", "\n".join(p for p in (entry.description, mailer.absolute(link) if link else "") if p))
            calendar.add_component(event)
    return calendar.to_ical()
