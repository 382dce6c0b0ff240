"""How the audit trail shows management reviews (see ``qms/trail/registry.py``)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from qms.core.trail_labels import namer
from qms.extensions import db
from qms.reviews import access
from qms.reviews.models import ManagementReview
from qms.reviews.trail_labels import TRAIL_ACTION_LABELS, TRANSITION_NAMES
from qms.reviews.workflow import WORKFLOW
from qms.trail.registry import ObjectKind, loader, register
from qms.trail.wording import register_actions


def _visible(user):
    if access.can_view_all(user):
        return True
    # Participants are kept as JSON; the few reviews of an institution are checked in Python.
    rows = db.session.execute(sa.select(ManagementReview.id, ManagementReview.participants)).all()
    ids = [i for i, people in rows if any(p.get("user_id") == user.id for p in people or [])]
    return sa.select(ManagementReview.id).where(ManagementReview.id.in_(ids))


register(ObjectKind(
    object_type="management_review", label="Revisión por la dirección",
    load=loader(ManagementReview), can_view=access.can_view, visible_query=_visible,
    describe=lambda r: f"{r.code} · Revisión por la dirección",
    link=lambda r: url_for("reviews.detail", review_code=r.code),
))

register_actions(TRAIL_ACTION_LABELS, name=namer(TRAIL_ACTION_LABELS, WORKFLOW, TRANSITION_NAMES))
