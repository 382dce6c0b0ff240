"""Who may see and treat a nonconforming output."""
from __future__ import annotations

from qms.core import permissions as P


def can_manage(user) -> bool:
    return bool(user) and user.can(P.NC_MANAGE)


def can_view(user, pnc) -> bool:
    """The committee, who reported it, the owner of its process and who authorised its treatment."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if can_manage(user) or user.can(P.CAPA_MANAGE):
        return True
    return (pnc.detected_by_id == user.id or pnc.authorised_by_id == user.id
            or (pnc.process is not None and pnc.process.owner_id == user.id))
