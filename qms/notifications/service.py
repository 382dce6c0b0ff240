"""Write notifications and their emails in the caller's transaction; read and mark them.

``notify`` is called by the domain modules' services inside the transaction of the
event: the notification and its outbox row commit with the event or not at all. The
email goes out after commit, from the outbox (``outbox.send_due``).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from qms.errors import ServiceError
from qms.extensions import db
from qms.notifications import mailer
from qms.notifications.mailer import url_context
from qms.notifications.models import (CHANNELS, EMAIL_DIGEST, EMAIL_NONE, EMAIL_QUEUED, Notification,
                                      NotificationPreference, OutboxMessage)
from qms.notifications.registry import kind_label, kinds
from qms.timeutil import now_utc
from qms.trail import registry as objects
from qms.trail import service as trail

#: At most one email per person and object in this window; the rest wait for the digest.
FLOOD_WINDOW = timedelta(hours=1)


def object_link(object_type: str, object_id) -> str:
    """The path of the object's page, from the objects registry its module filled."""
    kind = objects.get(object_type)
    if kind is None or object_id is None:
        return ""
    found = kind.load([int(object_id)]).get(int(object_id))
    if found is None:
        return ""
    with url_context():
        return kind.link(found) or ""


def _active(recipients, actor) -> list:
    seen, people = set(), []
    for user in recipients:
        if user is None or not user.is_enabled or user.id in seen:
            continue
        if actor is not None and user.id == actor.id:
            continue  # who acted knows already
        seen.add(user.id)
        people.append(user)
    return people


def notify(kind: str, object_type: str, object_id: int | None, recipients, text: str, *,
           actor=None, dedupe_key: str | None = None, link: str | None = None) -> list[Notification]:
    """Tell each of ``recipients`` (users) about ``object``: in the app, and by email as
    each of them chose. A ``dedupe_key`` (reminders) writes at most one per person;
    ``link`` replaces the object's own page (a filtered list, say).

    A few statements whatever the number of recipients (a version's whole distribution):
    what each person chose, who was told already and who had a mail about the object
    this hour are read for all of them at once.
    """
    people = _active(recipients, actor)
    if not people:
        return []
    link = object_link(object_type, object_id) if link is None else link
    at = now_utc()
    ids = [user.id for user in people]
    told = _already(ids, dedupe_key) if dedupe_key else set()
    mailing = mailer.smtp_enabled()
    channels = _channels(ids, kind) if mailing else {}
    flooded = _flooded(ids, object_type, object_id, at) if mailing else set()
    written = []
    for user in people:
        if user.id in told:
            continue
        note = Notification(user_id=user.id, kind=kind, object_type=object_type, object_id=object_id,
                            text=text[:500], link=link, dedupe_key=dedupe_key, created_at=at)
        note.email_state = _email_state(user, channels.get(user.id, "immediate"), user.id in flooded, mailing)
        if note.email_state == EMAIL_QUEUED:
            note.outbox = _queue_single(user, note)
        db.session.add(note)
        written.append(note)
    db.session.flush()
    return written


def _already(user_ids: list[int], dedupe_key: str) -> set[int]:
    return set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.user_id.in_(user_ids), Notification.dedupe_key == dedupe_key)))


def _channels(user_ids: list[int], kind: str) -> dict[int, str]:
    return dict(db.session.execute(sa.select(NotificationPreference.user_id, NotificationPreference.channel).where(
        NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind)).all())


def channel_for(user_id: int, kind: str) -> str:
    return _channels([user_id], kind).get(user_id, "immediate")


def _email_state(user, channel: str, flooded: bool, mailing: bool) -> str:
    """Mail now, hold for the digest, or keep in the app only (no SMTP, no address, or chosen)."""
    if not mailing or not (user.email or "").strip() or channel == "app":
        return EMAIL_NONE
    return EMAIL_DIGEST if channel == "digest" or flooded else EMAIL_QUEUED


def _flooded(user_ids: list[int], object_type: str, object_id, at: datetime) -> set[int]:
    """Who of ``user_ids`` got (or will get) an email about this object in the last hour."""
    if object_id is None:
        return set()
    db.session.flush()
    return set(db.session.scalars(sa.select(OutboxMessage.user_id).where(
        OutboxMessage.user_id.in_(user_ids), OutboxMessage.object_type == object_type,
        OutboxMessage.object_id == object_id, OutboxMessage.created_at > at - FLOOD_WINDOW)))


def _queue_single(user, note: Notification) -> OutboxMessage:
    text, html = mailer.compose(user.full_name, [(note.text, note.link)])
    message = OutboxMessage(
        message_id=mailer.new_message_id(), user_id=user.id, to_address=user.email.strip(),
        subject=f"[QMS] {note.text}"[:300], text_body=text, html_body=html,
        object_type=note.object_type, object_id=note.object_id, created_at=note.created_at,
        next_attempt_at=note.created_at)
    db.session.add(message)
    return message


# Reading and marking, for the notification centre.

def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def listing(user) -> sa.Select:
    """The person's notifications, unread first, newest first."""
    return (sa.select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc()))


def mark_read(actor, notification_id: int) -> Notification:
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != actor.id:
        raise ServiceError("Ese aviso no existe.")
    if note.read_at is None:
        note.read_at = now_utc()
        db.session.flush()
    return note


def mark_all_read(actor) -> int:
    count = db.session.execute(
        sa.update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=now_utc()).execution_options(synchronize_session=False)).rowcount
    db.session.flush()
    return count


def preferences(user) -> list[dict]:
    """Each registered kind with the channel ``user`` chose (default: immediately)."""
    chosen = dict(db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.channel)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return [{"code": code, "label": kind.label, "group": kind.group, "channel": chosen.get(code, "immediate")}
            for code, kind in kinds().items()]


def set_preferences(actor, choices: dict[str, str]) -> int:
    """Save ``{kind: channel}`` for ``actor``; unknown kinds are ignored, unknown channels refused."""
    known = kinds()
    choices = {code: channel for code, channel in choices.items() if code in known}
    for code, channel in choices.items():
        if channel not in CHANNELS:
            raise ServiceError(f"Elija cómo recibir «{kind_label(code)}».", field=f"kind-{code}")
    changes = {}
    for code, channel in choices.items():
        row = db.session.scalar(sa.select(NotificationPreference).where(
            NotificationPreference.user_id == actor.id, NotificationPreference.kind == code))
        before = row.channel if row is not None else "immediate"
        if row is None:
            db.session.add(NotificationPreference(user_id=actor.id, kind=code, channel=channel))
        else:
            row.channel = channel
        if before != channel:
            changes[code] = [before, channel]
    db.session.flush()
    if changes:
        trail.record(actor, "notifications.preferences_changed", "user", actor.id, actor.username, changes)
    return len(changes)
