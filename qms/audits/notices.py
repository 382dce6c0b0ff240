"""What audits tell people: an audit coming in two weeks, a finding in their process;
and the audits in their calendar."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from qms import notifications
from qms.audits.models import Audit, audit_auditees, audit_team
from qms.extensions import db
from qms.notifications import DUE_SOON, CalendarEntry, Reminder
from qms.timeutil import format_date

GROUP = "Auditorías internas"
notifications.register_kind("audit:upcoming", "Auditoría planificada en dos semanas", GROUP)
notifications.register_kind("audit:finding_raised", "Hallazgo en un proceso a su cargo", GROUP)

#: Days before an audit that its auditees and auditors are told.
LEAD_DAYS = 14


def finding_raised(actor, finding, process) -> None:
    """The owner of the finding's process learns of it."""
    if process is None or process.owner is None:
        return
    notifications.notify("audit:finding_raised", "finding", finding.id, [process.owner],
                         f"En la auditoría {finding.audit.code} se registró {finding.kind_label.lower()} "
                         f"{finding.label} en {process.name}: {finding.description}", actor=actor)


def reminders(today: date):
    """Audits still planned that start within two weeks."""
    coming = db.session.scalars(sa.select(Audit).where(
        Audit.state == "planned", Audit.planned_start >= today, Audit.planned_start <= today + timedelta(days=LEAD_DAYS))
        .options(selectinload(Audit.auditees), selectinload(Audit.team))).all()
    for audit in coming:
        yield Reminder("audit:upcoming", "audit", audit.id,
                       f"La auditoría {audit.code} «{audit.title}» está planificada del "
                       f"{format_date(audit.planned_start)} al {format_date(audit.planned_end)}.",
                       audit.planned_start, DUE_SOON, [*audit.auditees, *audit.auditors])


def calendar(user):
    """The audits ``user`` leads, audits with the team, or is audited in (not closed)."""
    mine = sa.or_(Audit.lead_auditor_id == user.id,
                  Audit.id.in_(sa.select(audit_team.c.audit_id).where(audit_team.c.user_id == user.id)),
                  Audit.id.in_(sa.select(audit_auditees.c.audit_id).where(audit_auditees.c.user_id == user.id)))
    for audit in db.session.scalars(sa.select(Audit).where(mine, Audit.state.in_(("planned", "in_progress")))):
        yield CalendarEntry(f"audit-{audit.id}", f"Auditoría {audit.code}: {audit.title}", audit.planned_start,
                            "audit", audit.id, audit.objective, end_day=audit.planned_end)


notifications.register_reminders(reminders)
notifications.register_calendar(calendar)
