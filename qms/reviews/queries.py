"""Read-only queries of management reviews: the list and the inbox items."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from qms.extensions import db
from qms.reviews import access
from qms.reviews.models import ManagementReview
from qms.timeutil import format_date


def visible(user) -> list[ManagementReview]:
    rows = db.session.scalars(sa.select(ManagementReview).order_by(ManagementReview.planned_on.desc())).all()
    return [r for r in rows if access.can_view(user, r)]


def inbox(user) -> list[dict]:
    """Minutes waiting for the head of service's signature."""
    if not access.can_approve(user):
        return []
    rows = db.session.scalars(sa.select(ManagementReview).where(ManagementReview.state == "held")
                              .order_by(ManagementReview.held_on)).all()
    if not rows:
        return []
    return [{"title": "Actas de revisión por la dirección por aprobar", "items": [
        {"label": f"{r.code} · Revisión por la dirección", "url": url_for("reviews.detail", review_code=r.code),
         "note": f"realizada el {format_date(r.held_on)}", "overdue": False} for r in rows]}]
