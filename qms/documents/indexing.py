"""What the documents module puts in the search index: one entry per DocumentVersion.

Registered as kind ``document``; the object id is the version id, so a result opens the
exact version it matched. Who sees an entry follows ``access.can_view_version``:
effective and obsolete versions are public to signed-in users (token ``all``), every
other state needs ``document.read_drafts``. Obsolete and withdrawn versions are
"archived": hidden unless the searcher asks for them.

The documents service must call ``qms.search.queue_index("document", version.id)`` on
every create, edit and transition, and for every version of a document whose own fields
(code, type, process, regions) change.
"""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from qms.core import permissions as P
from qms.documents.access import PUBLIC_STATES, can_view_version
from qms.documents.models import STATES, Document, DocumentVersion
from qms.search.folded_sql import any_contains
from qms.search.kinds import PUBLIC, Entry, Kind, register_kind

KIND = "document"
ARCHIVED_STATES = frozenset({"obsolete", "withdrawn"})
_MARKDOWN_NOISE = re.compile(r"(\*\*|__|[*_#>`]|^\s*[-+]\s|^\s*\d+\.\s|\|)", re.MULTILINE)


def _plain(markdown: str) -> str:
    """Return Markdown as plain text for snippets (emphasis, bullets and pipes removed)."""
    text = _MARKDOWN_NOISE.sub(" ", markdown or "")
    text = re.sub(r"^\s*:?-{3,}:?(\s+:?-{3,}:?)*\s*$", " ", text, flags=re.MULTILINE)
    return re.sub(r"[ \t]+", " ", text).strip()


def _body(version: DocumentVersion) -> str:
    """Return the searchable content: sections in the type's order, or the Word file's text."""
    doc = version.document
    if version.authoring_mode in ("word", "pdf") and version.source_text:
        parts = [version.source_text]
    else:
        sections = dict(version.sections or {})
        order = [s.get("key") for s in (doc.type.sections or [])]
        keys = [k for k in order if k in sections] + [k for k in sections if k not in order]
        parts = [_plain(str(sections[k])) for k in keys if sections.get(k)]
    return "\n\n".join(p for p in parts if p)


def _meta(version: DocumentVersion) -> str:
    """Return what describes the version (found by search, never shown as its snippet)."""
    doc = version.document
    meta = [doc.type.name, doc.process.name if doc.process else ""]
    meta += [r.name for r in doc.regions]
    if version.change_description:
        meta.append(version.change_description)
    return " · ".join(m for m in meta if m)


def _date(version: DocumentVersion):
    if version.effective_date:
        return version.effective_date
    moment: datetime | None = version.updated_at or version.created_at
    return moment.date() if moment else None


def to_entry(version: DocumentVersion) -> Entry:
    doc = version.document
    state_label = STATES.get(version.state, version.state)
    return Entry(
        kind=KIND,
        object_id=version.id,
        title=version.title,
        body=_body(version),
        meta=_meta(version),
        code=doc.code,
        subtitle=f"{version.label} · {state_label}",
        type=doc.type.code,
        process=doc.process.code if doc.process else "",
        state=version.state,
        state_label=state_label,
        regions=[r.code for r in doc.regions],
        date=_date(version),
        is_archived=version.state in ARCHIVED_STATES,
        visibility={PUBLIC} if version.state in PUBLIC_STATES else {f"perm:{P.DOCUMENT_READ_DRAFTS}"},
        link={"endpoint": "documents.version_detail", "values": {"code": doc.code, "number": version.number}},
        fingerprint=f"{version.state}:{version.lock_version}",
    )


def _versions(session, ids):
    return session.scalars(
        sa.select(DocumentVersion)
        .where(DocumentVersion.id.in_(list(ids)))
        .options(selectinload(DocumentVersion.document).selectinload(Document.regions))
    ).all()


def load(session, ids) -> dict[int, Entry]:
    return {v.id: to_entry(v) for v in _versions(session, ids)}


def all_ids(session):
    return session.scalars(sa.select(DocumentVersion.id).order_by(DocumentVersion.id)).all()


def fingerprints(session) -> dict[int, str]:
    rows = session.execute(
        sa.select(DocumentVersion.id, DocumentVersion.state, DocumentVersion.lock_version)
    )
    return {vid: f"{state}:{lock}" for vid, state, lock in rows}


def visible_ids(session, user, ids) -> set[int]:
    return {v.id for v in _versions(session, ids) if can_view_version(user, v)}


def fallback(session, user, text, limit, include_archived=False) -> list[Entry]:
    """Plain database search (no stemming, no ranking) while the index is unusable."""
    query = sa.select(DocumentVersion).join(DocumentVersion.document)
    columns = (DocumentVersion.title, Document.code, DocumentVersion.sections, DocumentVersion.source_text)
    for word in text.split()[:8]:
        query = query.where(any_contains(columns, word))
    if not user.can(P.DOCUMENT_READ_DRAFTS):
        query = query.where(DocumentVersion.state.in_(PUBLIC_STATES))
    if not include_archived:
        query = query.where(DocumentVersion.state.not_in(ARCHIVED_STATES))
    query = query.order_by(Document.code, DocumentVersion.number.desc()).limit(limit)
    return [to_entry(v) for v in session.scalars(query) if can_view_version(user, v)]


def facet_labels(session, facet, values) -> dict[str, str]:
    """Return names of document types, processes and regions for facet chips."""
    from qms.org.models import Process, Region
    from qms.documents.models import DocumentType

    column = {"type": DocumentType.code, "process": Process.code, "region": Region.code}.get(facet)
    if column is None or not values:
        return {}
    model = column.class_
    return {row.code: row.name for row in session.scalars(sa.select(model).where(column.in_(values)))}


def lookup_code(session, user, key) -> dict | None:
    """Return the document page for a typed code ("pr-gt-01", "PRGT01") if the user may open it."""
    from qms.documents.access import can_view_document

    compact = sa.func.upper(sa.func.replace(sa.func.replace(Document.code, "-", ""), "_", ""))
    doc = session.scalars(sa.select(Document).where(compact == key.upper())).first()
    if doc is None or not can_view_document(user, doc):
        return None
    return {"endpoint": "documents.detail", "values": {"code": doc.code}}


register_kind(
    Kind(
        name=KIND,
        label="Documento",
        plural="Documentos",
        load=load,
        all_ids=all_ids,
        visible_ids=visible_ids,
        fallback=fallback,
        fingerprints=fingerprints,
        state_labels=dict(STATES),
        facet_labels=facet_labels,
        lookup_code=lookup_code,
    )
)
