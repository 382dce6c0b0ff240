"""What other modules read about people: lists for form choices."""
from __future__ import annotations

import sqlalchemy as sa

from qms.auth.models import User
from qms.extensions import db


def enabled_users(permission: str | None = None) -> list[User]:
    """Enabled users by name; only those holding ``permission`` when one is given."""
    users = db.session.scalars(sa.select(User).where(User.is_enabled).order_by(User.full_name)).all()
    return [u for u in users if permission is None or u.can(permission)]
