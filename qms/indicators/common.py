"""Helpers shared by the indicators module's own files: numbers typed in Spanish, the bands."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from qms.errors import ServiceError
from qms.extensions import db
from qms.indicators.compliance import Thresholds
from qms.indicators.models import ComplianceSettings

#: Larger numbers do not fit the columns (Numeric(16, 4)).
LIMIT = Decimal("999999999999")


def number(value, label: str, field: str | None = None, *, required: bool = True) -> Decimal | None:
    """Read «1.234,5», «1234.5» or a number; refuse text, negatives and the overlong in Spanish."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        parsed = Decimal(value)
    else:
        raw = str(value if value is not None else "").strip().replace(" ", "")
        if not raw:
            if required:
                raise ServiceError(f"Indique {label[:1].lower()}{label[1:]}.", field=field)
            return None
        if "," in raw:  # Chilean style: dots group thousands, the comma is decimal
            raw = raw.replace(".", "").replace(",", ".")
        try:
            parsed = Decimal(raw)
        except InvalidOperation:
            raise ServiceError(f"{label} «{value}» no es un número.", field=field) from None
    if not parsed.is_finite():
        raise ServiceError(f"{label} «{value}» no es un número.", field=field)
    if parsed < 0:
        raise ServiceError(f"{label} no puede ser negativo.", field=field)
    if parsed > LIMIT:
        raise ServiceError(f"{label} es demasiado grande.", field=field)
    return parsed.quantize(Decimal("0.0001"))


def settings() -> ComplianceSettings | None:
    return db.session.scalar(sa.select(ComplianceSettings).limit(1))


def thresholds() -> Thresholds:
    """The institution's bands, or Ley 19.553 art. 6 when it has not set its own."""
    row = settings()
    return Thresholds(row.meets_from, row.partial_from) if row else Thresholds()
