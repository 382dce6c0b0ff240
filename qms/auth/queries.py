"""What other modules read about people: lists for form choices."""
from __future__ import annotations

import sqlalchemy as sa

from qms.auth.models import User
from qms.extensions import db


def enabled_users(permission: str | None = None) -> list[User]:
    """Enabled users by name; only those holding ``permission`` when one is given."""
    users = db.session.scalars(sa.select(User).where(User.is_enabled).order_by(User.full_name)).all()
    return [u for u in users if permission is None or u.can(permission)]


def security_events(action: str = "", username: str = ""):
    """Select the trail's security entries, newest first, for the committee's page.

    ``action`` narrows to one security action (anything else is ignored); ``username``
    matches who acted or the account the entry is about, so the failed logins on an
    account (made by "anónimo") are found under its name.
    """
    from qms.auth import security_events as events
    from qms.trail.models import AuditEntry

    stmt = sa.select(AuditEntry).where(AuditEntry.action.startswith(events.PREFIX, autoescape=True))
    if action in events.LABELS:
        stmt = stmt.where(AuditEntry.action == action)
    if username:
        stmt = stmt.where(sa.or_(AuditEntry.username == username,
                                 sa.and_(AuditEntry.object_type == "user", AuditEntry.object_label == username)))
    return stmt.order_by(AuditEntry.seq.desc())
