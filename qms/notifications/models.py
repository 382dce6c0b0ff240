"""Notifications in the app, the email outbox, preferences per kind and calendar tokens."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

#: What happens to a notification by email.
EMAIL_NONE = "none"          # in the app only (preference, no address, or SMTP off)
EMAIL_QUEUED = "queued"      # its own message is in the outbox
EMAIL_DIGEST = "digest"      # waits for the daily digest
EMAIL_DIGESTED = "digested"  # went out in a digest

#: Channels a person may choose per kind.
CHANNELS = {
    "immediate": "Correo inmediato",
    "digest": "Resumen diario por correo",
    "app": "Solo en la aplicación",
}


class Notification(db.Model):
    """One thing one person must know, shown in their notification centre."""

    __tablename__ = "notifications"
    __table_args__ = (
        # A reminder is written once per person, object, stage and due date, however
        # many times the job runs.
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: The registered event kind (``document:review_requested``...).
    kind: Mapped[str] = mapped_column(sa.String(60))
    #: The object it is about, as the trail names it.
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    #: The sentence shown, in Spanish.
    text: Mapped[str] = mapped_column(sa.String(500))
    #: Path of the object's page inside the app ("" when it has none).
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Reminders only: ``kind:type:id:stage:due``; None for events, which may repeat.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    email_state: Mapped[str] = mapped_column(sa.String(10), default=EMAIL_NONE, index=True)
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notification_outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    outbox = relationship("OutboxMessage")

    def __repr__(self) -> str:
        return f"<Notification {self.kind} → user {self.user_id}>"


class OutboxMessage(db.Model):
    """An email written in the event's transaction and sent after commit by the job runner.

    ``state`` goes ``pending → sending → sent``, or back to ``pending`` with a later
    ``next_attempt_at`` after a failure, and ``failed`` after the last attempt. The
    ``message_id`` is the Message-ID header: the same on every attempt, and the name
    under which a delivery is journalled (``qms.notifications.outbox``).
    """

    __tablename__ = "notification_outbox"
    __table_args__ = (sa.Index("ix_outbox_due", "state", "next_attempt_at"),
                      sa.Index("ix_outbox_user_object", "user_id", "object_type", "object_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(
        sa.String(200), unique=True, info={"conflict": "Ese mensaje ya estaba en la bandeja de salida."})
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    #: The object of a single message (flood limit); empty for a digest.
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    is_digest: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: When a runner claimed it for sending (a stale claim is recovered).
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.message_id} {self.state}>"


class NotificationPreference(db.Model):
    """How one person wants one kind of notification by email (default: immediately)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind",
                                          info={"conflict": "La preferencia cambió en otra pestaña; "
                                                            "revísela e intente de nuevo."}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(60))
    #: One of ``CHANNELS``.
    channel: Mapped[str] = mapped_column(sa.String(10))

    def __repr__(self) -> str:
        return f"<NotificationPreference {self.user_id} {self.kind}={self.channel}>"


class CalendarToken(db.Model):
    """The secret of a person's calendar feed; only its SHA-256 is kept, so a copy of the
    database does not open anyone's calendar. Revoking deletes it."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<CalendarToken user {self.user_id}>"
