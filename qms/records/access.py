"""Who may see which record: one rule, used by views, lists, exports and search.

A record needs ``record.read``; a record of a confidential type is visible only to the
holders of one of the type's named roles. Anyone else gets a 404, as if it did not exist.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.core import permissions as P


def can_view_type_records(user, record_type) -> bool:
    """Return whether ``user`` may see the records of ``record_type``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(P.RECORD_READ):
        return False
    if not record_type.is_confidential:
        return True
    allowed = {role.id for role in record_type.allowed_roles}
    return any(role.id in allowed for role in user.roles)


def can_view_record(user, record) -> bool:
    return can_view_type_records(user, record.type)


def visible_filter(user):
    """Return a SQL condition on ``Record`` selecting what ``user`` may see."""
    from qms.records.models import Record, RecordType, record_type_roles

    if user is None or not getattr(user, "is_authenticated", False) or not user.can(P.RECORD_READ):
        return sa.false()
    role_ids = [role.id for role in user.roles]
    allowed_types = sa.select(record_type_roles.c.record_type_id).where(record_type_roles.c.role_id.in_(role_ids))
    open_types = sa.select(RecordType.id).where(RecordType.is_confidential.is_(False))
    return sa.or_(Record.type_id.in_(open_types), Record.type_id.in_(allowed_types))
