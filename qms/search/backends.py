"""Which search backend answers: ``whoosh`` (an index directory per host) or ``postgres``.

``QMS_SEARCH_BACKEND`` (config ``SEARCH_BACKEND``) names it; empty or ``auto`` means
PostgreSQL full-text search when the database is PostgreSQL and Whoosh otherwise.
``postgres`` on a SQLite database is not possible and falls back to Whoosh with a warning.

Both backends offer the same functions to the service (``run``, ``count``,
``spelling_candidates``, ``IndexUnavailable``): ``engine()`` returns the module to call.
"""
from __future__ import annotations

import logging
import os

from flask import current_app

from qms.extensions import db

log = logging.getLogger(__name__)

WHOOSH = "whoosh"
POSTGRES = "postgres"
#: What an empty setting means on PostgreSQL.
DEFAULT_ON_POSTGRESQL = POSTGRES

_warned: set[str] = set()


def active(app=None) -> str:
    """Return the backend in use for ``app`` (the current one by default)."""
    app = app or current_app
    configured = (app.config.get("SEARCH_BACKEND") or os.environ.get("QMS_SEARCH_BACKEND") or "").strip().lower()
    on_postgresql = db.engine.dialect.name == "postgresql"
    if configured in ("", "auto"):
        return DEFAULT_ON_POSTGRESQL if on_postgresql else WHOOSH
    if configured in ("postgres", "postgresql", "pg"):
        if on_postgresql:
            return POSTGRES
        if configured not in _warned:
            _warned.add(configured)
            log.warning("search: QMS_SEARCH_BACKEND=%s needs a PostgreSQL database; using Whoosh", configured)
        return WHOOSH
    if configured != WHOOSH and configured not in _warned:
        _warned.add(configured)
        log.warning("search: unknown QMS_SEARCH_BACKEND=%r; using Whoosh", configured)
    return WHOOSH


def is_postgres(app=None) -> bool:
    return active(app) == POSTGRES


def engine():
    """Return the module that answers searches (``qms.search.engine`` or ``qms.search.pg_backend``)."""
    if is_postgres():
        from qms.search import pg_backend

        return pg_backend
    from qms.search import engine as whoosh_engine

    return whoosh_engine
