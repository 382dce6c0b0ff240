"""Whole-table operations of the PostgreSQL backend: what ``qms search`` and ``/salud`` ask.

``qms.search.maintenance`` calls these when the PostgreSQL backend is in use; rebuilding
and applying left-over jobs are ``qms.search.pg_writer``'s.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from qms.extensions import db
from qms.search import pg_backend
from qms.search.models import IndexJob
from qms.search.pg_models import SearchEntry
from qms.search.pg_terms import ROW_VERSION


def health_report() -> dict:
    """The search table's state for the health check (``state`` as for the Whoosh index)."""
    state, detail, rows = pg_backend.health(deep=True)
    with Session(db.engine) as session:
        pending = session.scalar(sa.select(sa.func.count(IndexJob.id))) or 0
    if state == "ok" and pending:
        detail = f"{pending} cambio(s) esperan en la cola (escrituras fallidas): ejecute «qms search sync»"
    return {"state": state, "detail": detail, "writer": None, "backend": "postgres", "entries": rows,
            "pending": pending}


def indexed_fingerprints() -> dict[str, str]:
    """Return uid -> fingerprint of every row of the search table."""
    with Session(db.engine) as session:
        rows = session.execute(sa.select(SearchEntry.kind, SearchEntry.object_id, SearchEntry.fingerprint))
        return {f"{kind}:{object_id}": fp or "" for kind, object_id, fp in rows}


def outdated_uids() -> set[str]:
    """Return the uids of rows written by another analysis or layout (``pg_terms.ROW_VERSION``).

    Their terms are not what a query of this version looks for (a changed analyzer, new
    code keys): ``qms search check`` lists them as stale until ``qms search rebuild``.
    """
    with Session(db.engine) as session:
        rows = session.execute(sa.select(SearchEntry.kind, SearchEntry.object_id)
                               .where(SearchEntry.row_version != ROW_VERSION))
        return {f"{kind}:{object_id}" for kind, object_id in rows}
