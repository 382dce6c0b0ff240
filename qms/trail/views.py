"""The audit trail: filtered for the committee, and per object (a document and its versions).

Both pages show an entry only to a user who may see its object (``qms.trail.listing``);
which object types exist, how they are named and linked and who sees them comes from
the registry (``qms.trail.registry``), filled by the domain modules.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, has_request_context, render_template, request
from flask_login import current_user

from qms.core import permissions as P
from qms.trail import registry, wording
from qms.trail.listing import TrailPage, of_objects
from qms.trail.models import AuditEntry
from qms.web import page_arg, permission_required

bp = Blueprint("trail", __name__, url_prefix="/bitacora")

FILTERS = ("object_type", "object_id", "action", "username")


@bp.route("/")
@permission_required(P.TRAIL_VIEW)
def index():
    stmt = sa.select(AuditEntry)
    filters = {k: (request.args.get(k) or "").strip() for k in FILTERS}
    if filters["object_type"]:
        stmt = stmt.where(AuditEntry.object_type == filters["object_type"])
    if filters["object_id"]:
        stmt = stmt.where(AuditEntry.object_id == filters["object_id"])
    if filters["action"]:
        stmt = stmt.where(AuditEntry.action.like(f"{filters['action']}%"))
    if filters["username"]:
        stmt = stmt.where(AuditEntry.username == filters["username"])
    return _render(TrailPage(current_user, stmt, page_arg(), per_page=50), filters=filters)


@bp.route("/documento/<code>")
@permission_required(P.TRAIL_VIEW)
def document(code: str):
    """Every entry of one document and its versions that the user may see, newest first."""
    kind = registry.get("document")
    subject = kind.lookup(code) if kind is not None and kind.lookup is not None else None
    if subject is None or not kind.can_view(current_user, subject):
        abort(404)
    stmt = sa.select(AuditEntry).where(of_objects(kind.related(subject)))
    return _render(TrailPage(current_user, stmt, page_arg(), per_page=100), subject=code)


@bp.url_defaults
def _keep_the_subject(endpoint: str, values: dict) -> None:
    # The shared pager builds its links from the query string alone; on a per-object
    # page the object's key is part of the path, so carry it over.
    if has_request_context() and endpoint == request.endpoint and request.view_args:
        for name, value in request.view_args.items():
            values.setdefault(name, value)


def _render(page: TrailPage, filters: dict | None = None, subject: str | None = None):
    object_types = {object_type: kind.label for object_type, kind in registry.registered().items()}
    return render_template("trail/index.html", page=page, filters=filters or {}, subject=subject,
                           object_types=object_types, actions=wording.known_actions(),
                           action_label=wording.action_label, detail_lines=wording.detail_lines)
