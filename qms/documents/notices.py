"""What the document workflow tells people, and the document dates they are reminded of.

Called by ``transitions.py`` inside the transition's transaction; registered reminder
and calendar sources are read by the notification jobs (``qms.notifications``).
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from qms import notifications
from qms.auth.queries import enabled_users
from qms.core import permissions as P
from qms.documents.acknowledgements import pending_query, report, required_readers
from qms.documents.common import version_label
from qms.documents.models import Document, DocumentVersion
from qms.extensions import db
from qms.notifications import DUE_SOON, OVERDUE, CalendarEntry, Reminder
from qms.timeutil import add_working_days, format_date

GROUP = "Documentos"
notifications.register_kind("document:review_requested", "Documento enviado a su revisión", GROUP)
notifications.register_kind("document:approval_requested", "Documento enviado a su aprobación", GROUP)
notifications.register_kind("document:returned", "Borrador devuelto con observaciones", GROUP)
notifications.register_kind("document:ack_requested", "Nueva versión vigente: toma de conocimiento", GROUP)
notifications.register_kind("document:ack_overdue", "Toma de conocimiento vencida", GROUP)
notifications.register_kind("document:review_due", "Revisión periódica de documento próxima o vencida", GROUP)

#: Days before a periodic review is due that its owner is told.
REVIEW_LEAD_DAYS = 30
#: Acknowledgements are reminded for versions that took effect in this many days: on the
#: first run after installing, years of unread old versions do not flood everyone (the
#: inbox still lists them).
ACK_REMINDER_WINDOW_DAYS = 60


def _title(version: DocumentVersion) -> str:
    return f"{version_label(version)} «{version.title}»"


def review_requested(actor, version: DocumentVersion, authors: set[int]) -> None:
    reviewers = [u for u in enabled_users(P.DOCUMENT_REVIEW) if u.id not in authors]
    notifications.notify("document:review_requested", "document_version", version.id, reviewers,
                         f"{actor.full_name} envió a revisión {_title(version)}.", actor=actor)


def approval_requested(actor, version: DocumentVersion, excluded: set[int]) -> None:
    approvers = [u for u in enabled_users(P.DOCUMENT_APPROVE) if u.id not in excluded]
    notifications.notify("document:approval_requested", "document_version", version.id, approvers,
                         f"{_title(version)} quedó revisado y espera su aprobación.", actor=actor)


def returned(actor, version: DocumentVersion, authors: set[int], comment: str) -> None:
    people = [u for u in enabled_users() if u.id in authors]
    notifications.notify("document:returned", "document_version", version.id, people,
                         f"{actor.full_name} devolvió {_title(version)} con observaciones: {comment}", actor=actor)


def ack_due(version: DocumentVersion) -> date:
    """The day by which the distribution must have read an effective version."""
    return add_working_days(version.effective_date, int(current_app.config["ACK_DUE_WORKING_DAYS"]))


def became_effective(version: DocumentVersion) -> None:
    """Ask the version's distribution to read it, with the due date."""
    notifications.notify("document:ack_requested", "document_version", version.id,
                         required_readers(version.document),
                         f"Entró en vigencia {_title(version)}: tome conocimiento a más tardar el "
                         f"{format_date(ack_due(version))}.")


def _versions_to_remind(today: date):
    """Effective versions recent enough to remind of their reading, or near their review."""
    return db.session.scalars(sa.select(DocumentVersion).where(
        DocumentVersion.state == "effective",
        sa.or_(DocumentVersion.effective_date >= today - timedelta(days=ACK_REMINDER_WINDOW_DAYS),
               DocumentVersion.review_due <= today + timedelta(days=REVIEW_LEAD_DAYS)))
        .options(joinedload(DocumentVersion.document))).unique().all()


def reminders(today: date):
    """Overdue acknowledgements; periodic reviews due within 30 days or overdue."""
    managers = None
    for version in _versions_to_remind(today):
        document = version.document
        recent = version.effective_date and version.effective_date >= today - timedelta(days=ACK_REMINDER_WINDOW_DAYS)
        if recent and ack_due(version) < today:
            unread = report(version)["unread"]
            if unread:
                yield Reminder("document:ack_overdue", "document_version", version.id,
                               f"Venció el plazo para tomar conocimiento de {_title(version)} "
                               f"({format_date(ack_due(version))}).", ack_due(version), OVERDUE, unread,
                               document.process_id, P.DOCUMENT_MANAGE)
        if version.review_due and version.review_due <= today + timedelta(days=REVIEW_LEAD_DAYS):
            if document.owner_id:
                people = [document.owner]
            else:
                managers = managers if managers is not None else enabled_users(P.DOCUMENT_MANAGE)
                people = managers
            late = version.review_due < today
            yield Reminder("document:review_due", "document_version", version.id,
                           f"La revisión periódica de {_title(version)} "
                           f"{'venció' if late else 'vence'} el {format_date(version.review_due)}.",
                           version.review_due, OVERDUE if late else DUE_SOON, people,
                           document.process_id, P.DOCUMENT_MANAGE)


def calendar(user):
    """Reviews of the documents ``user`` owns, and the versions they must still read."""
    owned = db.session.scalars(sa.select(DocumentVersion).join(Document, DocumentVersion.document_id == Document.id)
                               .where(DocumentVersion.state == "effective", Document.owner_id == user.id,
                                      DocumentVersion.review_due.is_not(None))).all()
    for version in owned:
        yield CalendarEntry(f"document-review-{version.id}", f"Revisión de {_title(version)}", version.review_due,
                            "document_version", version.id, "Revisión periódica del documento.")
    for version in db.session.scalars(pending_query(user)).all():
        if version.effective_date:
            yield CalendarEntry(f"document-ack-{version.id}-{user.id}", f"Tomar conocimiento de {_title(version)}",
                                ack_due(version), "document_version", version.id)


notifications.register_reminders(reminders)
notifications.register_calendar(calendar)
