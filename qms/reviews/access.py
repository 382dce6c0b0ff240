"""Who may see and prepare a management review."""
from __future__ import annotations

from qms.core import permissions as P


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage(user) -> bool:
    return _signed_in(user) and user.can(P.REVIEW_MANAGE)


def can_approve(user) -> bool:
    return _signed_in(user) and user.can(P.REVIEW_APPROVE)


def can_view_all(user) -> bool:
    return can_manage(user) or can_approve(user) or (_signed_in(user) and user.can(P.INDICATOR_VIEW))


def can_view(user, review) -> bool:
    """The committee, the head of service, indicator readers and the review's participants."""
    if can_view_all(user):
        return True
    return _signed_in(user) and any(p.get("user_id") == user.id for p in review.participants or [])
