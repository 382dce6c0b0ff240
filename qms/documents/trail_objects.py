"""How the audit trail shows documents and their versions (see ``qms/trail/registry.py``).

Who sees an entry follows ``access``: a version's entries need the version to be visible
(drafts and versions in workflow need ``document.read_drafts``), a document's entries
need one visible version. A document also has a trail page of its own
(``/bitacora/documento/<code>``): its entries and those of all its versions.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload, selectinload

from qms.core import permissions as P
from qms.documents.access import PUBLIC_STATES, can_view_document, can_view_version
from qms.documents.common import version_label
from qms.documents.models import Document, DocumentVersion
from qms.extensions import db
from qms.documents.trail_labels import TRAIL_ACTION_LABELS, detail_lines
from qms.trail.registry import ObjectKind, loader, register
from qms.trail.wording import register_actions


def _with_public_version(column):
    """Return a ``visible_query``: everything for draft readers, else ``column`` of the
    effective and obsolete versions (a version's id, or its document's)."""

    def visible_query(user):
        if user.can(P.DOCUMENT_READ_DRAFTS):
            return True
        return sa.select(column).where(DocumentVersion.state.in_(PUBLIC_STATES))

    return visible_query


def _describe_document(document: Document) -> str:
    # ``Document.title`` follows the latest version, which may be a draft the reader may
    # not see; the newest effective or obsolete version's title is public.
    public = [v for v in document.versions if v.state in PUBLIC_STATES]
    return f"{document.code} · {public[-1].title}" if public else document.code


def _lookup(code: str) -> Document | None:
    return db.session.scalar(
        sa.select(Document).where(Document.code == code).options(selectinload(Document.versions)))


def _related(document: Document) -> list[tuple[str, int]]:
    return [("document", document.id)] + [("document_version", v.id) for v in document.versions]


register(ObjectKind(
    object_type="document", label="Documento",
    load=loader(Document, selectinload(Document.versions)),
    can_view=can_view_document, visible_query=_with_public_version(DocumentVersion.document_id), describe=_describe_document,
    link=lambda document: url_for("documents.detail", code=document.code),
    lookup=_lookup, related=_related,
))

register(ObjectKind(
    object_type="document_version", label="Versión de documento",
    load=loader(DocumentVersion, joinedload(DocumentVersion.document)),
    can_view=can_view_version, visible_query=_with_public_version(DocumentVersion.id),
    describe=lambda version: f"{version_label(version)} · {version.title}",
    link=lambda version: url_for("documents.version_detail", code=version.document.code, number=version.number),
))

register_actions(TRAIL_ACTION_LABELS, detail_lines)
