"""What records remind people of: records whose retention has ended, waiting for disposition.

One reminder per record type and latest expiry, not one per record: a year's worth of
records reaching their date together is one notice with a link to the filtered register.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for

from qms import notifications
from qms.auth.queries import enabled_users
from qms.core import permissions as P
from qms.extensions import db
from qms.notifications import OVERDUE, Reminder
from qms.records.models import Record, RecordType
from qms.timeutil import format_date

notifications.register_kind("record:disposition_due", "Registros con el plazo de conservación cumplido",
                            "Registros")


def reminders(today: date):
    """Record types with active records past their retention (not on legal hold, not permanent)."""
    rows = db.session.execute(
        sa.select(RecordType, sa.func.count(Record.id), sa.func.max(Record.retention_until))
        .join(Record, Record.type_id == RecordType.id)
        .where(Record.state == "active", Record.retention_until < today, Record.is_on_legal_hold.is_(False),
               RecordType.is_on_legal_hold.is_(False), RecordType.disposition != "permanent")
        .group_by(RecordType.id).order_by(RecordType.code)).all()
    managers = enabled_users(P.RECORD_MANAGE) if rows else []
    for record_type, count, latest in rows:
        yield Reminder("record:disposition_due", "record_type", record_type.id,
                       f"{count} registro(s) de «{record_type.name}» cumplieron su plazo de conservación "
                       f"(el último, el {format_date(latest)}): propóngalos para disposición.",
                       latest, OVERDUE, managers,
                       link=url_for("records.register", type=record_type.id, retention="expired"))


notifications.register_reminders(reminders)
