"""Who may see and work on an audit."""
from __future__ import annotations

from qms.core import permissions as P


def can_manage(user) -> bool:
    return bool(user) and user.can(P.AUDIT_MANAGE)


def can_view(user, audit) -> bool:
    """The committee, auditors, and the audit's auditees and process owners."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.can(P.AUDIT_MANAGE) or user.can(P.AUDIT_PERFORM) or user.can(P.CAPA_MANAGE):
        return True
    if any(u.id == user.id for u in audit.auditees):
        return True
    return any(p.owner_id == user.id for p in audit.processes)


def can_perform(user, audit) -> bool:
    """The audit's own auditors (or the committee) fill the checklist and record findings."""
    if user is None:
        return False
    if can_manage(user):
        return True
    return user.can(P.AUDIT_PERFORM) and audit.is_auditor(user)


def can_list(user) -> bool:
    return bool(user) and (user.can(P.AUDIT_MANAGE) or user.can(P.AUDIT_PERFORM) or user.can(P.CAPA_MANAGE))
