"""Who may follow and prepare the PMG programme."""
from __future__ import annotations

from qms.core import permissions as P


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage(user) -> bool:
    return _signed_in(user) and user.can(P.PMG_MANAGE)


def can_approve(user) -> bool:
    return _signed_in(user) and user.can(P.PMG_APPROVE)


def can_view(user, _obj=None) -> bool:
    """The committee, the head of service and whoever holds ``pmg.view`` (auditors)."""
    return _signed_in(user) and (user.can(P.PMG_VIEW) or can_manage(user) or can_approve(user))
