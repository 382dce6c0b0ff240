"""The organisation and its reference data."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.extensions import db

PROCESS_KINDS = {
    "strategic": "Estratégico",
    "provision": "Provisión de bienes y servicios",
    "support": "Soporte",
}


class Institution(db.Model):
    """The institution's settings (a single row) that feed every generated document."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(40), default="")
    #: sha256 of the logo in the file store, if any.
    logo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    default_region_code: Mapped[str | None] = mapped_column(sa.String(8))


class Unit(db.Model):
    """An organisational unit (departamento, dirección regional, ...)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class Region(db.Model):
    __tablename__ = "regions"

    #: Official code: XV, I, II, ..., RM, XVI.
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Order from north to south, as regions are listed in Chile.
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class PmgSystem(db.Model):
    __tablename__ = "pmg_systems"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))


class IsoClause(db.Model):
    __tablename__ = "iso_clauses"

    #: Clause number such as ``7.5.3``.
    number: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)


class Process(db.Model):
    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code used in document codes (``GT`` in ``PR-GT-01``).
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), default="provision")
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    pmg_system_code: Mapped[str | None] = mapped_column(sa.ForeignKey("pmg_systems.code"))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Strategic products may carry these PMG attributes.
    has_gender_focus: Mapped[bool] = mapped_column(default=False)
    has_territorial_focus: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    unit = relationship("Unit", lazy="joined")

    def __repr__(self) -> str:
        return f"<Process {self.code}>"

    @property
    def kind_label(self) -> str:
        return PROCESS_KINDS.get(self.kind, self.kind)
