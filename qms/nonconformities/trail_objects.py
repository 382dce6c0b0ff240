"""How the audit trail shows nonconforming outputs (see ``qms/trail/registry.py``).

A PNC's entries follow ``access.can_view`` (the committee, who reported it and the owner
of its process); the SQL side is the module's own list query, ``queries.visible_query``.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import joinedload

from qms.nonconformities import access, queries
from qms.nonconformities.models import Nonconformity
from qms.core.trail_labels import namer
from qms.nonconformities.workflow import WORKFLOW
from qms.nonconformities.trail_labels import TRAIL_ACTION_LABELS, TRANSITION_NAMES
from qms.trail.registry import ObjectKind, loader, register
from qms.trail.wording import register_actions


#: The Spanish names of this module's trail actions, transition steps included.
NAME_ACTION = namer(TRAIL_ACTION_LABELS, WORKFLOW, TRANSITION_NAMES)

register(ObjectKind(
    object_type="nonconformity", label="Producto / servicio no conforme",
    load=loader(Nonconformity, joinedload(Nonconformity.process)),
    can_view=access.can_view,
    visible_query=lambda user: queries.visible_query(user).with_only_columns(Nonconformity.id).order_by(None),
    describe=lambda pnc: f"{pnc.code} · {pnc.product}",
    link=lambda pnc: url_for("nonconformities.detail", pnc_code=pnc.code),
))

register_actions(TRAIL_ACTION_LABELS, name=NAME_ACTION)
