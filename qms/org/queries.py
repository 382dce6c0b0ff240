"""What other modules read about the institution's structure: lists for form choices."""
from __future__ import annotations

import sqlalchemy as sa

from qms.extensions import db
from qms.org.models import IsoClause, Process, Region


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
