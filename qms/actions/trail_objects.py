"""How the audit trail shows corrective and preventive actions (see ``qms/trail/registry.py``).

An action's entries follow ``access.can_view``: the committee, verifiers and audit
planners see every action; anyone else the actions they own, have a task in or verify.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from qms.actions import access
from qms.actions.models import Action, ActionTask, Verification
from qms.core import permissions as P
from qms.core.trail_labels import namer
from qms.actions.workflow import WORKFLOW
from qms.actions.trail_labels import TRAIL_ACTION_LABELS, TRANSITION_NAMES
from qms.trail.registry import ObjectKind, loader, register
from qms.trail.wording import register_actions


def _visible_actions(user):
    if access.can_manage(user) or user.can(P.CAPA_VERIFY) or user.can(P.AUDIT_MANAGE):
        return True
    return sa.select(Action.id).where(sa.or_(
        Action.owner_id == user.id,
        Action.id.in_(sa.select(ActionTask.action_id).where(ActionTask.responsible_id == user.id)),
        Action.id.in_(sa.select(Verification.action_id).where(Verification.verifier_id == user.id))))


#: The Spanish names of this module's trail actions, transition steps included.
NAME_ACTION = namer(TRAIL_ACTION_LABELS, WORKFLOW, TRANSITION_NAMES)

register(ObjectKind(
    object_type="action", label="Acción correctiva / preventiva",
    load=loader(Action, selectinload(Action.tasks), selectinload(Action.verifications)),
    can_view=access.can_view, visible_query=_visible_actions,
    describe=lambda action: f"{action.code} · {action.title}",
    link=lambda action: url_for("actions.detail", action_code=action.code),
))

register_actions(TRAIL_ACTION_LABELS, name=NAME_ACTION)
