"""Small helpers shared by the documents services."""
from __future__ import annotations

import sqlalchemy as sa

from qms.core.checks import require  # noqa: F401  (the documents services import it from here)
from qms.core.locking import lock
from qms.extensions import db

#: The search kind under which document versions are indexed.
SEARCH_KIND = "document"


def lock_document(document):
    """Lock ``document`` for the rest of the transaction; read it and its versions afresh.

    Every change to a document or to one of its versions takes this lock first, so the
    changes to one document happen one after the other, each deciding on what the
    previous one committed (which versions exist, which is in force, which state and
    counter each has), and no two of them wait on each other's locks.
    """
    from qms.documents.models import DocumentVersion

    lock(document)
    db.session.scalars(sa.select(DocumentVersion).where(DocumentVersion.document_id == document.id)
                       .execution_options(populate_existing=True)).all()
    return document


def lock_document_version(version):
    """Lock the version's document (see :func:`lock_document`), then the version, read afresh."""
    lock_document(version.document)
    return lock(version)


def version_label(version) -> str:
    """Return ``PR-GT-01 v02``, the label used in the trail."""
    return f"{version.document.code} v{version.number:02d}"
