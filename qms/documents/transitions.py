"""Apply workflow transitions to versions: permission, state, segregation of duties,
signature, trail and indexing, all in the caller's transaction."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from qms import search
from qms.core import permissions as P
from qms.core import signing
from qms.core.workflow import Transition
from qms.core.locking import for_update
from qms.documents import control, notices, workflow
from qms.documents.common import SEARCH_KIND, lock_document, lock_document_version, require, version_label
from qms.documents.content import content_sha256
from qms.documents.models import Document, DocumentVersion, Signature
from qms.documents.submission import check_submittable
from qms.errors import ConflictError, ServiceError
from qms.extensions import db
from qms.timeutil import add_months, now_utc, today_local
from qms.trail import service as trail


def _signers(version: DocumentVersion, meaning: str) -> set[int]:
    ids = {s.user_id for s in version.signatures if s.meaning == meaning}
    if meaning == "authored":
        # Everyone who wrote it is an author, not only who signed the submission.
        ids |= {u.id for u in version.contributors} | {u.id for u in version.coauthors}
        if version.created_by_id:
            ids.add(version.created_by_id)
    return ids


def _check_segregation(actor, version: DocumentVersion, transition: Transition) -> None:
    words = {"authored": "elaboró", "reviewed": "revisó"}
    for meaning in transition.excluded_signers:
        signing.refuse_if_took_part(
            actor.id in _signers(version, meaning),
            f"Segregación de funciones: usted {words[meaning]} esta versión, "
            f"por lo que no puede «{transition.label.lower()}».")


def _sign(actor, version: DocumentVersion, meaning: str, comment: str) -> Signature:
    signature = Signature(
        version=version, user_id=actor.id, meaning=meaning, signed_at=now_utc(), comment=comment,
        content_sha256=content_sha256(version), signer_name=actor.full_name, signer_position=actor.position or "",
    )
    db.session.add(signature)
    db.session.flush()
    return signature


def _validate_effective_date(actor, effective_date: date | None, backdate_reason: str, details: dict) -> date:
    """Return the effective date: today or later, or a past one set by the quality committee.

    A past date is only for a version that was in force before it was registered here
    (imported, or registered after the fact): the committee gives the reason, and the
    trail keeps it with the date.
    """
    today = today_local()
    if effective_date is None:
        return today
    if effective_date < today:
        if not actor.can(P.DOCUMENT_MANAGE):
            raise ServiceError("La fecha de vigencia no puede ser anterior a hoy. Solo el Comité de Calidad puede "
                               "registrar una fecha pasada (versión importada o registrada después).",
                               field="effective_date")
        if not (backdate_reason or "").strip():
            raise ServiceError("Indique el motivo de la fecha de vigencia anterior a hoy (versión importada o "
                               "registrada después).", field="backdate_reason")
        details["backdated"] = {"effective_date": effective_date.isoformat(), "reason": backdate_reason.strip()}
    return effective_date


def apply_transition(actor, version: DocumentVersion, name: str, *, password: str = "", comment: str = "",
                     effective_date: date | None = None, expected_lock_version: int | None = None,
                     backdate_reason: str = "", confirm_empty_distribution: bool = False) -> DocumentVersion:
    """Move ``version`` along the workflow on behalf of ``actor``.

    Every user transition asks for the password again, as signing does.
    """
    if name not in workflow.USER_TRANSITIONS:
        raise ServiceError("Acción desconocida.")
    transition = workflow.TRANSITIONS[name]
    require(actor, transition.permission)
    # Every check below reads the committed version: a second click waits for the first.
    lock_document_version(version)
    if expected_lock_version is not None and version.lock_version != expected_lock_version:
        raise ConflictError("La versión cambió desde que abrió la página; revísela antes de continuar.")
    try:
        workflow.check(name, version.state)
    except ValueError:
        raise ServiceError(
            f"No se puede «{transition.label.lower()}» una versión en estado «{version.state_label}»."
        ) from None
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        word = "el motivo" if name == "withdraw" else "las observaciones"
        raise ServiceError(f"Debe indicar {word}.", field="comment")
    _check_segregation(actor, version, transition)
    signing.confirm_password(actor, password)
    if name == "submit":
        check_submittable(version, actor)
    if name == "approve":
        control.check_distribution_before_approval(version, confirm_empty_distribution)

    before = version.state
    details: dict = {"state": [before, transition.target]}
    if comment:
        details["comment"] = comment
    if name == "approve":
        _approve(actor, version, _validate_effective_date(actor, effective_date, backdate_reason, details), details)
    else:
        if transition.signature:
            details["signature"] = _signature_details(_sign(actor, version, transition.signature, comment))
        if name == "withdraw":
            version.withdrawn_at = now_utc()
            version.withdrawn_reason = comment
        version.state = transition.target
        db.session.flush()
        trail.record(actor, f"version.{name}", "document_version", version.id, version_label(version), details)
        _notify(actor, version, name, comment)
    search.queue_index(SEARCH_KIND, version.id)
    return version


def _notify(actor, version: DocumentVersion, name: str, comment: str) -> None:
    """Tell who must act next (in this transaction: no notice for a transition rolled back)."""
    authors = _signers(version, "authored")
    if name == "submit":
        notices.review_requested(actor, version, authors)
    elif name == "pass_review":
        notices.approval_requested(actor, version, authors | _signers(version, "reviewed"))
    elif name in ("return_review", "return_approval"):
        notices.returned(actor, version, authors, comment)


def _signature_details(signature: Signature) -> dict:
    return {"meaning": signature.meaning, "content_sha256": signature.content_sha256}


def _approve(actor, version: DocumentVersion, effective_date: date, details: dict) -> None:
    """Sign, generate the official copy once, and take effect now or on the chosen date."""
    from qms.documents import word

    # Content and dates are set while the version is still open: once approved it is locked.
    version.effective_date = effective_date
    version.review_due = add_months(effective_date, version.document.type.review_period_months)
    signature = _sign(actor, version, "approved", details.get("comment", ""))
    word.generate_official_copy(version)
    version.state = "approved"
    db.session.flush()
    details.update(signature=_signature_details(signature), effective_date=effective_date.isoformat(),
                   output_sha256=version.output_sha256)
    trail.record(actor, "version.approve", "document_version", version.id, version_label(version), details)
    if effective_date <= today_local():
        make_effective(version, actor)


def make_effective(version: DocumentVersion, actor=None) -> None:
    """Put ``version`` in force and make the previous effective version obsolete, together."""
    from qms.documents import word

    lock_document(version.document)  # held already by the callers; the versions are current
    workflow.check("make_effective", version.state)
    previous = version.document.effective_version
    if previous is not None and previous is not version:
        previous.state = "obsolete"
        previous.obsolete_at = now_utc()
        word.generate_obsolete_copy(previous)
        db.session.flush()
        trail.record(actor, "version.make_obsolete", "document_version", previous.id, version_label(previous),
                     {"state": ["effective", "obsolete"], "superseded_by": version.number})
        search.queue_index(SEARCH_KIND, previous.id)
    version.state = "effective"
    version.effective_at = now_utc()
    # The document's title is the one in force: what staff see in the register and elsewhere.
    version.document.title = version.title
    db.session.flush()
    trail.record(actor, "version.make_effective", "document_version", version.id, version_label(version),
                 {"state": ["approved", "effective"], "review_due": version.review_due})
    notices.became_effective(version)
    search.queue_index(SEARCH_KIND, version.id)


def tick(today: date | None = None) -> int:
    """Make effective every approved version whose date has come; return how many.

    Several workers may tick at once. Each locks the documents with a due version,
    skipping those another transaction holds (that one is changing them, or ticking
    them), and re-checks each version once locked: a worker that ran just before may
    already have made it effective.
    """
    today = today or today_local()
    due = (DocumentVersion.state == "approved", DocumentVersion.effective_date <= today)
    documents = db.session.scalars(for_update(
        sa.select(Document).join(DocumentVersion, DocumentVersion.document_id == Document.id).where(*due)
        .order_by(DocumentVersion.effective_date, Document.id), Document, skip_locked=True)).unique().all()
    count = 0
    for document in documents:
        for version in list(lock_document(document).versions):
            if version.state == "approved" and version.effective_date <= today:
                make_effective(version)
                count += 1
    return count
