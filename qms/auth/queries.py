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


def importer(username: str | None, permission: str) -> User:
    """Return who a command-line import acts as: ``username``, or the only user holding ``permission``."""
    from qms.errors import ServiceError

    if username:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None or not user.is_enabled:
            raise ServiceError(f"No existe un usuario activo «{username}».")
        return user
    holders = enabled_users(permission)
    if len(holders) != 1:
        raise ServiceError("Indique con --as el usuario del Comité de Calidad que importa.")
    return holders[0]
