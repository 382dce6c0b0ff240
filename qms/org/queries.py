"""What other modules read about the institution's structure: lists for form choices."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from qms.extensions import db
from qms.org.models import Institution, IsoClause, Process, Region
from qms.storage import store


def active_processes() -> list[Process]:
    """Active processes by code (for selects)."""
    return db.session.scalars(sa.select(Process).where(Process.is_active).order_by(Process.code)).all()


def regions() -> list[Region]:
    """Regions in their official order."""
    return db.session.scalars(sa.select(Region).order_by(Region.position)).all()


def clauses() -> list[IsoClause]:
    """ISO 9001:2015 clauses in the standard's order."""
    return db.session.scalars(sa.select(IsoClause).order_by(IsoClause.position)).all()


def institution_header() -> dict:
    """The institution block of every Word report context (plain values)."""
    from qms.org.models import Institution

    inst = db.session.scalar(sa.select(Institution).order_by(Institution.id).limit(1))
    return {"name": getattr(inst, "name", "") or ""}


def institution_for_documents() -> dict | None:
    """The institution as generated Word files show it: name, logo bytes and logo hash.

    Plain values, so the Word engine (installed with this at start-up) needs no import of
    this module; None before the institution is set up.
    """
    inst = db.session.scalar(sa.select(Institution).order_by(Institution.id).limit(1))
    if inst is None:
        return None
    return {"name": inst.name or "", "logo_bytes": _logo(inst.logo_sha256), "logo_sha256": inst.logo_sha256}


def _logo(sha256: str | None) -> bytes | None:
    """Return the logo's bytes; an unreadable logo is left out rather than stop every download."""
    if not sha256:
        return None
    try:
        return store.read(sha256)
    except store.StorageError:
        current_app.logger.warning("logo %s unreadable; documents are generated without it", sha256[:12])
        return None
