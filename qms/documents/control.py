"""Document-control acts beside the version workflow: default distribution lists and the
periodic review that finds nothing to change.

Like ``service``, each function takes the acting user, checks permission and state,
changes the objects, writes the trail and flushes without committing.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from qms import search
from qms.core import permissions as P
from qms.core import signing
from qms.documents.common import SEARCH_KIND, require, version_label
from qms.documents.content import content_sha256
from qms.documents.models import DefaultDistribution, DistributionEntry, PeriodicReview
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.timeutil import add_months, format_date, now_utc, today_local
from qms.trail import service as trail

#: Days before the due date from which a review may be recorded (as the list of reviews due).
REVIEW_WINDOW_DAYS = 30


# -- default distribution ---------------------------------------------------------------
def default_entries(*, doc_type=None, process=None) -> list[DefaultDistribution]:
    """Return the default distribution of a document type or of a process."""
    column, value = (DefaultDistribution.type_id, doc_type.id) if doc_type is not None else (
        DefaultDistribution.process_id, process.id)
    return db.session.scalars(sa.select(DefaultDistribution).where(column == value)
                              .order_by(DefaultDistribution.id)).all()


def _label(entry) -> str:
    return f"Rol: {entry.role.label}" if entry.role else f"Unidad: {entry.unit.name}"


def set_default_distribution(actor, *, doc_type=None, process=None, roles=(), units=()) -> None:
    """Replace who must read new documents of ``doc_type`` (or of ``process``) by default."""
    require(actor, P.DOCUMENT_MANAGE)
    if (doc_type is None) == (process is None):
        raise ValueError("one of doc_type and process")
    current = default_entries(doc_type=doc_type, process=process)
    before = sorted(_label(e) for e in current)
    for entry in current:
        db.session.delete(entry)
    owner = {"type_id": doc_type.id} if doc_type is not None else {"process_id": process.id}
    added = [DefaultDistribution(role=r, **owner) for r in roles] + [DefaultDistribution(unit=u, **owner) for u in units]
    db.session.add_all(added)
    db.session.flush()
    after = sorted(_label(e) for e in added)
    if before != after:
        kind, obj = ("document_type", doc_type) if doc_type is not None else ("process", process)
        trail.record(actor, f"{kind}.default_distribution", kind, obj.id, obj.code, {"distribution": [before, after]})


def apply_defaults(document) -> None:
    """Give a new document the default distribution of its type and of its process."""
    seen, entries = set(), []
    for entry in default_entries(doc_type=document.type) + default_entries(process=document.process):
        key = (entry.role_id, entry.unit_id)
        if key not in seen:
            seen.add(key)
            entries.append(DistributionEntry(role_id=entry.role_id, unit_id=entry.unit_id))
    document.distribution = entries


def check_distribution_before_approval(version, confirmed: bool) -> None:
    """Refuse an approval that would tell nobody to read the version, unless confirmed."""
    if version.document.distribution or confirmed:
        return
    raise ServiceError(
        "La lista de distribución de este documento está vacía: al entrar en vigencia nadie recibirá el aviso de "
        "tomar conocimiento. Defínala en «Propiedades y distribución» o marque «Aprobar sin distribución» para "
        "confirmar.", field="confirm_empty_distribution")


# -- periodic review without changes ---------------------------------------------------
def may_review(user, version) -> bool:
    """Return whether ``user`` may record the periodic review: the document's owner or the committee."""
    return user is not None and (user.can(P.DOCUMENT_MANAGE) or version.document.owner_id == user.id)


def review_is_open(version, today=None) -> bool:
    """Return whether the effective version's review is due (or within the window before it)."""
    today = today or today_local()
    return (version.state == "effective" and version.review_due is not None
            and version.review_due <= today + timedelta(days=REVIEW_WINDOW_DAYS))


def mark_reviewed_unchanged(actor, version, *, password: str, comment: str) -> PeriodicReview:
    """Sign that the effective version was reviewed and needs no change; set the next review date."""
    if not may_review(actor, version):
        raise PermissionDenied("Solo el responsable del documento o el Comité de Calidad registran su revisión.")
    if version.state != "effective":
        raise ServiceError("Solo la versión vigente se revisa sin cambios.")
    if not review_is_open(version):
        raise ServiceError(f"La revisión de este documento vence el {format_date(version.review_due)}; puede "
                           f"registrarse desde {REVIEW_WINDOW_DAYS} días antes.")
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("Indique qué se revisó y por qué no requiere cambios.", field="comment")
    signing.confirm_password(actor, password)
    previous = version.review_due
    next_due = add_months(today_local(), version.document.type.review_period_months)
    review = PeriodicReview(version=version, user_id=actor.id, signed_at=now_utc(), comment=comment,
                            previous_due=previous, next_due=next_due, signer_name=actor.full_name,
                            signer_position=actor.position or "", content_sha256=content_sha256(version))
    db.session.add(review)
    version.review_due = next_due
    db.session.flush()
    trail.record(actor, "version.reviewed_unchanged", "document_version", version.id, version_label(version),
                 {"review_due": [previous.isoformat() if previous else None, next_due.isoformat()],
                  "comment": comment, "content_sha256": review.content_sha256})
    search.queue_index(SEARCH_KIND, version.id)
    return review
