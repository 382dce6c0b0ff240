"""Turn the registered reminder sources' due and overdue items into notifications, once.

Each item is told once per person, stage and due date (the notification's
``dedupe_key``), however often the job runs; a new due date reminds again. An item
overdue ``NOTIFY_ESCALATION_DAYS`` also reaches its process owner, and after
``NOTIFY_COMMITTEE_DAYS`` the committee (the holders of the item's committee permission).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from qms.auth.models import User
from qms.extensions import db
from qms.notifications.registry import OVERDUE, Reminder, reminder_sources
from qms.notifications.mailer import url_context
from qms.notifications.service import notify
from qms.org.models import Process
from qms.timeutil import format_date, today_local


def _key(item: Reminder, stage: str) -> str:
    return f"{item.kind}:{item.object_type}:{item.object_id}:{stage}:{item.due.isoformat()}"


def run(today: date | None = None) -> int:
    """Write today's reminders and escalations; return how many notifications were written."""
    today = today or today_local()
    written = 0
    with url_context():
        for source in reminder_sources():
            for item in source(today):
                written += len(notify(item.kind, item.object_type, item.object_id, item.recipients, item.text,
                                      dedupe_key=_key(item, item.stage), link=item.link))
                if item.stage == OVERDUE:
                    written += _escalate(item, (today - item.due).days)
    db.session.commit()
    return written


def _escalate(item: Reminder, days_late: int) -> int:
    config = current_app.config
    owner_days, committee_days = int(config["NOTIFY_ESCALATION_DAYS"]), int(config["NOTIFY_COMMITTEE_DAYS"])
    written = 0
    text = f"Escalado: {item.text} (vencido hace {days_late} días, desde el {format_date(item.due)})"
    if owner_days and days_late >= owner_days and item.process_id:
        owner = db.session.scalar(sa.select(User).join(Process, Process.owner_id == User.id)
                                  .where(Process.id == item.process_id))
        written += len(notify("escalation", item.object_type, item.object_id, [owner], text,
                              dedupe_key=_key(item, "escalated_owner"), link=item.link))
    if committee_days and days_late >= committee_days and item.committee_permission:
        members = [u for u in db.session.scalars(sa.select(User).where(User.is_enabled)).all()
                   if u.can(item.committee_permission)]
        written += len(notify("escalation", item.object_type, item.object_id, members, text,
                              dedupe_key=_key(item, "escalated_committee"), link=item.link))
    return written
