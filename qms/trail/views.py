"""The audit trail: per object and filtered for the committee."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from qms.core import permissions as P
from qms.trail.models import AuditEntry
from qms.web import Page, page_arg, permission_required

bp = Blueprint("trail", __name__, url_prefix="/bitacora")

OBJECT_TYPES = {
    "document": "Documento",
    "document_version": "Versión de documento",
    "user": "Usuario",
    "role": "Rol",
    "process": "Proceso",
}


@bp.route("/")
@permission_required(P.TRAIL_VIEW)
def index():
    stmt = sa.select(AuditEntry).order_by(AuditEntry.seq.desc())
    filters = {k: (request.args.get(k) or "").strip() for k in ("object_type", "object_id", "action", "username")}
    if filters["object_type"]:
        stmt = stmt.where(AuditEntry.object_type == filters["object_type"])
    if filters["object_id"]:
        stmt = stmt.where(AuditEntry.object_id == filters["object_id"])
    if filters["action"]:
        stmt = stmt.where(AuditEntry.action.like(f"{filters['action']}%"))
    if filters["username"]:
        stmt = stmt.where(AuditEntry.username == filters["username"])
    return render_template("trail/index.html", page=Page(stmt, page_arg(), per_page=50), filters=filters, document=None,
                           object_types=OBJECT_TYPES)


@bp.route("/documento/<code>")
@permission_required(P.TRAIL_VIEW)
def document(code: str):
    """Every entry of one document and its versions, newest first."""
    from flask import abort

    from qms.documents.models import Document, DocumentVersion
    from qms.extensions import db

    doc = db.session.scalar(sa.select(Document).where(Document.code == code))
    if doc is None:
        abort(404)
    version_ids = [str(i) for i in db.session.scalars(
        sa.select(DocumentVersion.id).where(DocumentVersion.document_id == doc.id))]
    stmt = sa.select(AuditEntry).where(sa.or_(
        sa.and_(AuditEntry.object_type == "document", AuditEntry.object_id == str(doc.id)),
        sa.and_(AuditEntry.object_type == "document_version", AuditEntry.object_id.in_(version_ids)),
    )).order_by(AuditEntry.seq.desc())
    return render_template("trail/index.html", page=Page(stmt, page_arg(), per_page=100), filters={},
                           object_types=OBJECT_TYPES, document=doc)
