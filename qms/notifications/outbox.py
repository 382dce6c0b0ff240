"""Send the outbox after commit: claimed, sent, journalled, marked; retried with back-off.

Never twice, never lost:

1. *Claim.* A runner takes one due row (``pending`` whose ``next_attempt_at`` has come,
   or a ``sending`` claim older than ``SMTP_CLAIM_TIMEOUT_SECONDS``, left by a runner
   that died) with ``FOR UPDATE SKIP LOCKED`` (SQLite: under the write lock), sets it
   ``sending`` and commits. Another runner no longer sees it as due.
2. *Send* over SMTP, outside any transaction, with the row's fixed Message-ID header.
3. *Journal.* As soon as the server accepted it, a file named after the message is
   created in ``NOTIFY_JOURNAL_PATH`` (O_EXCL, fsync): a local fact that survives the
   database being unreachable or the process dying before step 4.
4. *Mark* ``sent``, commit, and remove the journal file (its job is done).

A stale claim found in the journal is marked sent without sending again: that is the
crash between sending and marking. A stale claim not in the journal died before the
server accepted it (or in the instant between the server's "250" and the journal
write): it is sent again, with the same Message-ID, which mail clients use to drop a
duplicate. A failed attempt waits ``SMTP_RETRY_SECONDS × 2^(attempt-1)``; after
``SMTP_MAX_ATTEMPTS`` the row is ``failed`` with its last error, on the admin's page.
"""
from __future__ import annotations

import hashlib
import logging
import os
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from qms.core import permissions as P
from qms.core.locking import for_update, lock
from qms.errors import PermissionDenied
from qms.extensions import db
from qms.notifications import mailer
from qms.notifications.models import Notification, OutboxMessage
from qms.timeutil import now_utc
from qms.trail import service as trail

log = logging.getLogger(__name__)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    recovered: int = 0

    def __str__(self) -> str:
        return f"{self.sent} enviados, {self.failed} con error, {self.recovered} recuperados del diario"


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name) or default)


def journal_path(message_id: str) -> Path:
    root = Path(current_app.config.get("NOTIFY_JOURNAL_PATH")
                or Path(current_app.config["INSTANCE_PATH"]) / "outbox_sent")
    return root / hashlib.sha256(message_id.encode()).hexdigest()


def journalled(message_id: str) -> bool:
    return journal_path(message_id).exists()


def journal(message_id: str) -> None:
    """Record, outside the database, that the server accepted ``message_id``."""
    path = journal_path(message_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        os.write(fd, message_id.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _due_filter(now):
    stale = now - timedelta(seconds=_setting("SMTP_CLAIM_TIMEOUT_SECONDS", 600))
    return sa.or_(sa.and_(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now),
                  sa.and_(OutboxMessage.state == "sending", OutboxMessage.claimed_at < stale))


def _claim_next(report: SendReport, skip: set[int]):
    """Claim one due message and commit the claim; return it with its MIME message
    (built before the commit, so sending reads nothing and holds no lock), or None."""
    while True:
        now = now_utc()
        message = db.session.scalars(for_update(
            sa.select(OutboxMessage).where(_due_filter(now), OutboxMessage.id.not_in(skip or {0}))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1),
            OutboxMessage, skip_locked=True)).first()
        if message is None:
            db.session.commit()
            return None
        skip.add(message.id)
        if message.state == "sending" and journalled(message.message_id):
            _mark_sent(message)  # the crash between sending and marking: never again
            report.recovered += 1
            continue
        message.state, message.claimed_at = "sending", now
        message.attempts += 1
        try:
            email = mailer.build(message)
        except (ValueError, TypeError) as error:  # an address no header can hold: no retry helps
            message.state, message.last_error = "failed", f"{type(error).__name__}: {error}"[:1000]
            db.session.commit()
            report.failed += 1
            continue
        db.session.commit()
        return message, email


def _mark_sent(message: OutboxMessage) -> None:
    message.state, message.sent_at, message.last_error = "sent", now_utc(), ""
    message_id = message.message_id
    db.session.commit()
    # Marked in the database: the journal's line has done its job. A file left by a crash
    # just here is harmless (the row says sent) and ``purge`` removes it later.
    journal_path(message_id).unlink(missing_ok=True)


def _mark_failed(message: OutboxMessage, error: Exception) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:1000]
    if message.attempts >= _setting("SMTP_MAX_ATTEMPTS", 6):
        message.state = "failed"
    else:
        delay = _setting("SMTP_RETRY_SECONDS", 60) * 2 ** (message.attempts - 1)
        message.state, message.next_attempt_at = "pending", now_utc() + timedelta(seconds=delay)
    message.claimed_at = None
    db.session.commit()


def send_due(limit: int = 500) -> SendReport:
    """Send every due message (at most ``limit``); safe with other runners at the same time."""
    report = SendReport()
    if not mailer.smtp_enabled():
        return report
    skip: set[int] = set()
    for _ in range(limit):
        claimed = _claim_next(report, skip)
        if claimed is None:
            break
        message, email = claimed
        try:
            mailer.send(email)
        except (OSError, smtplib.SMTPException, ValueError) as error:
            log.warning("outbox: %s not sent: %s", email["Message-ID"], error)
            _mark_failed(message, error)
            report.failed += 1
            continue
        journal(email["Message-ID"])
        _mark_sent(message)
        report.sent += 1
    return report


def problems() -> sa.Select:
    """Messages that failed for good or are waiting to be retried after an error."""
    return (sa.select(OutboxMessage).where(sa.or_(OutboxMessage.state == "failed", OutboxMessage.last_error != ""),
                                           OutboxMessage.state != "sent")
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))


def retry(actor, message_id: int) -> OutboxMessage | None:
    """Put a failed message back in the queue, due now, with its attempts counted afresh."""
    if not actor.can(P.ADMIN_SETTINGS):
        raise PermissionDenied("Solo la administración reintenta correos.")
    message = lock(OutboxMessage, message_id)
    if message is None or message.state != "failed":
        return None
    trail.record(actor, "notifications.outbox_retried", "user", message.user_id or actor.id, message.to_address,
                 {"message_id": message.message_id, "last_error": message.last_error, "attempts": message.attempts})
    message.state, message.attempts, message.next_attempt_at = "pending", 0, now_utc()
    db.session.flush()
    return message


#: Sent messages and read notifications are kept this long, then deleted by ``purge``.
KEEP_SENT_DAYS = 90
KEEP_READ_DAYS = 365


def purge() -> int:
    """Delete sent messages and read notifications past their keeping time, and journal
    files older than that (leftovers of a crash after marking); return rows deleted."""
    now = now_utc()
    deleted = db.session.execute(sa.delete(Notification).where(
        Notification.read_at < now - timedelta(days=KEEP_READ_DAYS))).rowcount
    deleted += db.session.execute(sa.delete(OutboxMessage).where(
        OutboxMessage.state == "sent", OutboxMessage.sent_at < now - timedelta(days=KEEP_SENT_DAYS))).rowcount
    db.session.commit()
    root = journal_path("x").parent
    if root.is_dir():
        limit = now.timestamp() - KEEP_SENT_DAYS * 86400
        for leftover in root.iterdir():
            if leftover.stat().st_mtime < limit:
                leftover.unlink(missing_ok=True)
    return deleted
