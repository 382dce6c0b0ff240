"""The daily digest: one email per person a day with every notification held for it
(their preference, or the flood limit), grouped by kind.

Its Message-ID names the person and the local day, so two runners (or a second run the
same day) cannot write it twice: the unique column refuses the second one. Notifications
held after the day's digest left wait for the next day's.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from qms.auth.models import User
from qms.extensions import db
from qms.notifications import mailer
from qms.notifications.models import EMAIL_DIGEST, EMAIL_DIGESTED, EMAIL_NONE, Notification, OutboxMessage
from qms.notifications.registry import kind_label
from qms.timeutil import format_date, now_utc, to_local


def digest_message_id(user_id: int, day) -> str:
    return mailer.new_message_id(f"digest.{user_id}.{day:%Y%m%d}")


def send_digests(now: datetime | None = None) -> int:
    """Write today's digests into the outbox (after ``NOTIFY_DIGEST_HOUR``, local); return how many."""
    now = now or now_utc()
    local = to_local(now)
    if local.hour < int(current_app.config.get("NOTIFY_DIGEST_HOUR", 7)):
        return 0
    held = db.session.scalars(sa.select(Notification).where(Notification.email_state == EMAIL_DIGEST)
                              .order_by(Notification.user_id, Notification.created_at, Notification.id)).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in held:
        by_user[note.user_id].append(note)
    written = 0
    for user_id, notes in by_user.items():
        written += _write_digest(db.session.get(User, user_id), notes, local.date(), now)
    db.session.commit()
    return written


def _write_digest(user, notes: list[Notification], day, now) -> int:
    if user is None or not user.is_enabled or not (user.email or "").strip() or not mailer.smtp_enabled():
        for note in notes:
            note.email_state = EMAIL_NONE
        return 0
    message_id = digest_message_id(user.id, day)
    if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.message_id == message_id)):
        return 0  # today's digest left already; these wait for tomorrow's
    lines, intro = _grouped(notes), f"Resumen de sus avisos del {format_date(day)} en QMS."
    text, html = mailer.compose(user.full_name, lines, intro)
    message = OutboxMessage(message_id=message_id, user_id=user.id, to_address=user.email.strip(),
                            subject=f"[QMS] Resumen diario: {len(notes)} aviso(s)", text_body=text, html_body=html,
                            is_digest=True, created_at=now, next_attempt_at=now)
    db.session.add(message)
    db.session.flush()
    for note in notes:
        note.email_state, note.outbox_id = EMAIL_DIGESTED, message.id
    return 1


def _grouped(notes: list[Notification]) -> list[tuple[str, str]]:
    """The digest's lines, grouped by kind (its label first), in the order they happened."""
    groups: dict[str, list[Notification]] = defaultdict(list)
    for note in notes:
        groups[note.kind].append(note)
    lines = []
    for kind, members in groups.items():
        lines.append((f"{kind_label(kind)} ({len(members)}):", ""))
        lines += [(f"  {note.text}", note.link) for note in members]
    return lines
