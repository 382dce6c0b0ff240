"""Who may see indicators, enter their measurements and manage them."""
from __future__ import annotations

from qms.core import permissions as P


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage(user) -> bool:
    return _signed_in(user) and user.can(P.INDICATOR_MANAGE)


def can_view_all(user) -> bool:
    return _signed_in(user) and (user.can(P.INDICATOR_VIEW) or user.can(P.INDICATOR_MANAGE))


def can_measure(user, indicator) -> bool:
    """The indicator's responsible enters its measurements (the committee may too)."""
    return _signed_in(user) and (indicator.responsible_id == user.id or can_manage(user))


def can_view(user, indicator) -> bool:
    return can_view_all(user) or can_measure(user, indicator)


def can_view_objective(user, objective) -> bool:
    if can_view_all(user):
        return True
    return _signed_in(user) and (objective.owner_id == user.id
                                 or any(i.responsible_id == user.id for i in objective.indicators))
