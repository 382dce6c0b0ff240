"""Who may see and work on an action."""
from __future__ import annotations

from qms.core import permissions as P


def can_manage(user) -> bool:
    return bool(user) and user.can(P.CAPA_MANAGE)


def is_owner(user, action) -> bool:
    return bool(user) and action.owner_id == user.id


def can_work(user, action) -> bool:
    """The owner and the committee write the analysis and the plan."""
    return is_owner(user, action) or can_manage(user)


def can_view(user, action) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if can_work(user, action) or user.can(P.CAPA_VERIFY) or user.can(P.AUDIT_MANAGE):
        return True
    if any(t.responsible_id == user.id for t in action.tasks):
        return True
    return any(v.verifier_id == user.id for v in action.verifications)
