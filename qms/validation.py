"""Input checks shared by several services, with their Spanish messages."""
from __future__ import annotations

from qms.errors import ServiceError

TITLE_MAX_LENGTH = 250


def clean_title(title: str, field: str = "title") -> str:
    """Return the stripped title; refuse an empty or overlong one."""
    title = (title or "").strip()
    if not title:
        raise ServiceError("El título es obligatorio.", field=field)
    if len(title) > TITLE_MAX_LENGTH:
        raise ServiceError(f"El título no puede superar {TITLE_MAX_LENGTH} caracteres.", field=field)
    return title
