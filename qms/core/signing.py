"""What every signed act asks for: the signer's password and, when the institution
keeps segregation of duties, that the signer did not take an earlier part.

Documents (elaboró / revisó / aprobó) and records disposition (propone / resuelve)
both sign this way; each keeps its own record of the signature.
"""
from __future__ import annotations

from flask import current_app

from qms.errors import ServiceError


def segregation_applies() -> bool:
    """Return whether segregation of duties is on (``QMS_SEGREGATION_OF_DUTIES``)."""
    return bool(current_app.config.get("SEGREGATION_OF_DUTIES", True))


def refuse_if_took_part(took_part: bool, message: str) -> None:
    """Refuse the act when segregation applies and the actor already took part."""
    if took_part and segregation_applies():
        raise ServiceError(message)


def confirm_password(actor, password: str) -> None:
    """Refuse the act unless ``password`` is the actor's own (the signature)."""
    if not actor.check_password(password):
        raise ServiceError("La contraseña no es correcta.", field="password")
