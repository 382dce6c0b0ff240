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


def year_reviews(year: int) -> list[dict]:
    """The management reviews of ``year`` as plain values (the PMG's evidence): id, code, state,
    held on, the acta's record id."""
    rows = db.session.scalars(sa.select(ManagementReview).where(ManagementReview.year == year)
                              .order_by(ManagementReview.code)).all()
    return [{"id": r.id, "code": r.code, "state": r.state, "state_label": r.state_label, "held_on": r.held_on,
             "record_id": r.acta_record_id} for r in rows]


def review_states(ids) -> dict[int, tuple[str, str]]:
    """``{review id: (state, "RD-2026-01 · Revisión por la dirección")}`` of ``ids``."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return {}
    return {i: (state, f"{code} · Revisión por la dirección") for i, state, code in db.session.execute(
        sa.select(ManagementReview.id, ManagementReview.state, ManagementReview.code)
        .where(ManagementReview.id.in_(ids)))}


def review_choices() -> list[tuple[int, str]]:
    return [(i, f"{c} · revisión por la dirección") for i, c in db.session.execute(
        sa.select(ManagementReview.id, ManagementReview.code).order_by(ManagementReview.code.desc()))]
