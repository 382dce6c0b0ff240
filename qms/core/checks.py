"""Checks every service makes before it changes anything: permission and typed values.

Each raises ``PermissionDenied`` or ``ServiceError(message, field)`` with a Spanish
message naming the field, so the view can put it next to what the user typed.
"""
from __future__ import annotations

from datetime import date

from qms.errors import PermissionDenied, ServiceError
from qms.timeutil import format_date, today_local


def require(actor, *permissions: str) -> None:
    """Raise PermissionDenied unless ``actor`` holds at least one of ``permissions``."""
    if actor is None or not any(actor.can(p) for p in permissions):
        raise PermissionDenied()


#: Article of a label -> the ending of «obligatori_» that agrees with it.
_AGREEMENT = {"la": ("es", "obligatoria"), "las": ("son", "obligatorias"), "los": ("son", "obligatorios")}


def required_message(label: str) -> str:
    """«La fecha es obligatoria», «El título es obligatorio», «Las conclusiones son obligatorias».

    Labels start with their article (that is how services name fields), which gives the
    gender and number the adjective agrees with.
    """
    article = label.split(" ", 1)[0].casefold()
    verb, adjective = _AGREEMENT.get(article, ("es", "obligatorio"))
    return f"{label} {verb} {adjective}."


def text(value, label: str, field: str | None = None, *, required: bool = True, max_length: int = 20000) -> str:
    """Return ``value`` stripped; refuse an empty required value or an overlong one."""
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(required_message(label), field=field)
    if len(value) > max_length:
        raise ServiceError(f"{label} no puede superar {max_length} caracteres.", field=field)
    return value


def choice(value, options: dict, label: str, field: str | None = None) -> str:
    """Return ``value`` if it is one of ``options``' keys."""
    if value not in options:
        raise ServiceError(f"Elija {label} de la lista.", field=field)
    return value


def date_order(first: date | None, second: date | None, message: str, field: str | None = None) -> None:
    """Refuse ``second`` earlier than ``first`` (both given)."""
    if first and second and second < first:
        raise ServiceError(message, field=field)


def not_future(value: date | None, label: str, field: str | None = None) -> None:
    """Refuse a date after today (in the institution's time zone)."""
    if value and value > today_local():
        raise ServiceError(f"{label} ({format_date(value)}) no puede ser posterior a hoy.", field=field)
