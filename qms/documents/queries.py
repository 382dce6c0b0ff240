"""Read-only queries: the document register, reviews due, the inbox's document items."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from qms.core import permissions as P
from qms.documents.models import Document, DocumentType, DocumentVersion, Signature, document_regions
from qms.extensions import db
from qms.timeutil import today_local

#: Register states: a document is "in force" when it has an effective version.
REGISTER_STATES = {
    "effective": "Vigente",
    "in_progress": "En preparación",
    "withdrawn": "Anulado",
}

SORTS = {
    "code": Document.code,
    "title": Document.title,
    "type": DocumentType.code,
    "created": Document.created_at.desc(),
}


@dataclass
class RegisterFilters:
    type_id: int | None = None
    process_id: int | None = None
    state: str | None = None
    region: str | None = None
    text: str = ""
    sort: str = "code"


def register_query(filters: RegisterFilters, user) -> sa.Select:
    """Return the register's select: documents with their versions, filtered and sorted.

    A user who may not read drafts sees only documents that have an effective or
    obsolete version.
    """
    stmt = (
        sa.select(Document)
        .join(DocumentType, Document.type_id == DocumentType.id)
        .options(selectinload(Document.versions), selectinload(Document.regions))
    )
    if filters.type_id:
        stmt = stmt.where(Document.type_id == filters.type_id)
    if filters.process_id:
        stmt = stmt.where(Document.process_id == filters.process_id)
    if filters.region:
        stmt = stmt.where(Document.id.in_(
            sa.select(document_regions.c.document_id).where(document_regions.c.region_code == filters.region)))
    if filters.text:
        like = f"%{filters.text.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Document.code).like(like), sa.func.lower(Document.title).like(like)))
    # Correlated EXISTS, not IN (subquery): each document is checked through the
    # (document_id, number) index, so the filtered register does not grow with all versions.
    def has_version(*states):
        return sa.exists().where(DocumentVersion.document_id == Document.id, DocumentVersion.state.in_(states))

    open_states = ("draft", "returned", "in_review", "in_approval", "approved")
    if filters.state == "effective":
        stmt = stmt.where(has_version("effective"))
    elif filters.state == "in_progress":
        stmt = stmt.where(has_version(*open_states))
    elif filters.state == "withdrawn":
        stmt = stmt.where(~has_version("effective"), ~has_version(*open_states))
    if not user.can(P.DOCUMENT_READ_DRAFTS):
        stmt = stmt.where(has_version("effective", "obsolete"))
    return stmt.order_by(SORTS.get(filters.sort, Document.code), Document.code)


def review_due(within_days: int = 30):
    """The select of effective versions whose review is overdue or due within ``within_days``,
    soonest first, with the document and owner each row shows (a list page pages it)."""
    return (sa.select(DocumentVersion)
            .where(DocumentVersion.state == "effective",
                   DocumentVersion.review_due <= today_local() + timedelta(days=within_days))
            .options(selectinload(DocumentVersion.document).selectinload(Document.owner))
            .order_by(DocumentVersion.review_due, DocumentVersion.id))


def review_due_counts(within_days: int = 30) -> dict[str, int]:
    """How many reviews are overdue and how many fall due within ``within_days``."""
    today = today_local()
    overdue = sa.func.count().filter(DocumentVersion.review_due < today)
    soon = sa.func.count().filter(DocumentVersion.review_due >= today)
    row = db.session.execute(sa.select(overdue, soon).where(
        DocumentVersion.state == "effective",
        DocumentVersion.review_due <= today + timedelta(days=within_days))).one()
    return {"overdue": row[0], "soon": row[1]}


#: How many items of each inbox section the inbox page shows; "ver todos" pages the rest.
INBOX_CAP = 15


@dataclass
class Capped:
    """The first items of a section and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.items)

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.items)


#: Section key -> its title, in the order the inbox shows them (``section_query`` builds each).
INBOX_SECTIONS = {
    "returned": "Borradores devueltos con observaciones",
    "drafts": "Mis borradores",
    "to_review": "Documentos por revisar",
    "to_approve": "Documentos por aprobar",
    "acknowledgements": "Documentos vigentes por leer (toma de conocimiento)",
    "reviews_due": "Documentos con revisión vencida o próxima",
}


@dataclass
class DocumentInbox:
    returned: Capped | None = None
    drafts: Capped | None = None
    to_review: Capped | None = None
    to_approve: Capped | None = None
    acknowledgements: Capped | None = None
    reviews_due: Capped | None = None


def _signed_by(user_id: int, meaning: str):
    return sa.select(Signature.version_id).where(Signature.user_id == user_id, Signature.meaning == meaning)


def _authored_by(user) -> sa.ColumnElement:
    return sa.or_(DocumentVersion.created_by_id == user.id, DocumentVersion.id.in_(_signed_by(user.id, "authored")))


def section_query(user, key: str) -> sa.Select | None:
    """Return the select of one inbox section for ``user``, or None if it is not theirs.

    Every filter is in SQL and the row's document comes in the same query, so a section
    costs one statement (its first rows with the count of all) whatever the data size.
    """
    from qms.documents.acknowledgements import pending_query

    versions = (sa.select(DocumentVersion).join(Document, DocumentVersion.document_id == Document.id)
                .options(contains_eager(DocumentVersion.document)))
    by_code = Document.code, DocumentVersion.number
    if key in ("returned", "drafts") and user.can(P.DOCUMENT_DRAFT):
        state = "returned" if key == "returned" else "draft"
        return versions.where(DocumentVersion.state == state, _authored_by(user)).order_by(*by_code)
    if key == "to_review" and user.can(P.DOCUMENT_REVIEW):
        return versions.where(DocumentVersion.state == "in_review", sa.not_(_authored_by(user))).order_by(*by_code)
    if key == "to_approve" and user.can(P.DOCUMENT_APPROVE):
        return versions.where(
            DocumentVersion.state == "in_approval",
            sa.not_(_authored_by(user)),
            DocumentVersion.id.not_in(_signed_by(user.id, "reviewed")),
        ).order_by(*by_code)
    if key == "acknowledgements":
        return pending_query(user, versions).order_by(*by_code)
    if key == "reviews_due":
        due = versions.where(DocumentVersion.state == "effective",
                             DocumentVersion.review_due <= today_local() + timedelta(days=30))
        if not user.can(P.DOCUMENT_MANAGE):
            due = due.where(Document.owner_id == user.id)
        return due.order_by(DocumentVersion.review_due, *by_code)
    return None


def capped(stmt: sa.Select, cap: int = INBOX_CAP) -> Capped:
    """Return the first ``cap`` rows of ``stmt`` and the count of all of them, in one
    statement (the count is a window over the whole result, computed before the limit)."""
    rows = db.session.execute(stmt.add_columns(sa.func.count().over().label("total")).limit(cap)).all()
    return Capped([row[0] for row in rows], rows[0].total if rows else 0)


def inbox(user) -> DocumentInbox:
    """Return the document work waiting for ``user``: each section capped, with its total."""
    box = DocumentInbox()
    for key in INBOX_SECTIONS:
        stmt = section_query(user, key)
        if stmt is not None:
            setattr(box, key, capped(stmt))
    return box


# What other modules read about documents (audit criteria, record links, record types
# produced by a procedure, the demo): they go through these, never through the models.


def all_documents() -> list[Document]:
    """Every document by code."""
    return db.session.scalars(sa.select(Document).order_by(Document.code)).all()


def documents_by_ids(ids) -> list[Document]:
    """The documents with ``ids`` (unknown ids are skipped), by code."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return []
    return db.session.scalars(sa.select(Document).where(Document.id.in_(ids)).order_by(Document.code)).all()


def document_by_id(document_id: int | None) -> Document | None:
    return db.session.get(Document, document_id) if document_id else None


def documents_of_type(type_code: str) -> list[Document]:
    """Documents of one type (``PR``: procedures), by code."""
    return db.session.scalars(sa.select(Document).join(DocumentType).where(DocumentType.code == type_code)
                              .order_by(Document.code)).all()


def documents_ever_in_force() -> list[Document]:
    """Documents with an effective or obsolete version: what an audit can take as criteria."""
    return db.session.scalars(sa.select(Document).where(Document.id.in_(
        sa.select(DocumentVersion.document_id).where(DocumentVersion.state.in_(("effective", "obsolete")))))
        .order_by(Document.code)).all()


def documents_titled(titles) -> list[Document]:
    return db.session.scalars(sa.select(Document).where(Document.title.in_(list(titles))).order_by(Document.code)).all()


def documents_of_process(process_id: int) -> list[Document]:
    return db.session.scalars(sa.select(Document).where(Document.process_id == process_id)
                              .order_by(Document.code)).all()


def version_state_counts() -> dict[str, int]:
    """How many versions are in each state (the committee's dashboard); obsolete and annulled left out."""
    from qms.documents.models import STATES

    rows = db.session.execute(sa.select(DocumentVersion.state, sa.func.count()).where(
        DocumentVersion.state.not_in(("obsolete", "withdrawn"))).group_by(DocumentVersion.state)).all()
    counts = dict(rows)
    return {STATES[s]: counts[s] for s in STATES if s in counts}


def pending_acknowledgements(limit: int = 10) -> tuple[list[tuple[str, str, int]], int]:
    """Effective versions with readers who have not acknowledged them: the first ``limit``
    (code, title, pending readers), most pending first, and the total of pending readings.

    One statement: the readers a distribution list names (through a role or a unit), less
    those who acknowledged.
    """
    from qms.auth.models import User, user_roles
    from qms.documents.models import Acknowledgement, DistributionEntry

    by_role = (sa.select(DistributionEntry.document_id.label("document_id"), User.id.label("user_id"))
               .join(user_roles, user_roles.c.role_id == DistributionEntry.role_id)
               .join(User, User.id == user_roles.c.user_id).where(User.is_enabled.is_(True)))
    by_unit = (sa.select(DistributionEntry.document_id.label("document_id"), User.id.label("user_id"))
               .join(User, User.unit_id == DistributionEntry.unit_id).where(User.is_enabled.is_(True)))
    readers = sa.union(by_role, by_unit).subquery()
    read = sa.select(Acknowledgement.id).where(Acknowledgement.version_id == DocumentVersion.id,
                                               Acknowledgement.user_id == readers.c.user_id).exists()
    pending = sa.func.count().label("pending")
    rows = db.session.execute(
        sa.select(Document.code, DocumentVersion.title, pending)
        .select_from(DocumentVersion).join(Document, Document.id == DocumentVersion.document_id)
        .join(readers, readers.c.document_id == DocumentVersion.document_id)
        .where(DocumentVersion.state == "effective", ~read)
        .group_by(Document.code, DocumentVersion.title).order_by(pending.desc(), Document.code)).all()
    return [tuple(r) for r in rows[:limit]], sum(r.pending for r in rows)


def review_changes(start, end) -> dict:
    """Documents issued (first version in force), revised (a later version in force) and made
    obsolete in the period, for a management review (plain lines)."""
    from qms.timeutil import to_local

    effective = db.session.execute(
        sa.select(Document.code, DocumentVersion.title, DocumentVersion.number)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(DocumentVersion.effective_date >= start, DocumentVersion.effective_date <= end)
        .order_by(Document.code)).all()
    obsolete = [row for row in db.session.execute(
        sa.select(Document.code, DocumentVersion.title, DocumentVersion.number, DocumentVersion.obsolete_at)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(DocumentVersion.obsolete_at.is_not(None)).order_by(Document.code)).all()
        if start <= to_local(row.obsolete_at).date() <= end]
    return {"issued": [f"{c} {t}" for c, t, n in effective if n == 1],
            "revised": [f"{c} {t} (versión {n:02d})" for c, t, n in effective if n > 1],
            "obsolete": [f"{c} {t} (versión {n:02d})" for c, t, n, _at in obsolete]}


def in_force_of_types(type_codes) -> list[dict]:
    """Documents of ``type_codes`` with a version in force, as plain values (the PMG's evidence of
    the Manual and procedures): id, code, title, type, process id, effective date, verification code."""
    rows = db.session.execute(
        sa.select(Document.id, Document.code, DocumentVersion.title, DocumentType.code, Document.process_id,
                  DocumentVersion.effective_date, DocumentVersion.verification_code)
        .join(DocumentVersion, DocumentVersion.document_id == Document.id).join(DocumentType)
        .where(DocumentType.code.in_(list(type_codes)), DocumentVersion.state == "effective")
        .order_by(Document.code)).all()
    return [{"id": i, "code": c, "title": t, "type": ty, "process_id": p, "effective_date": d,
             "verification_code": v} for i, c, t, ty, p, d, v in rows]


def in_force_ids(ids) -> set[int]:
    """Which of the documents ``ids`` have a version in force (one statement)."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(DocumentVersion.document_id).where(
        DocumentVersion.document_id.in_(ids), DocumentVersion.state == "effective")))
