"""What every signed act asks for: the signer's password and, when the institution
keeps segregation of duties, that the signer did not take an earlier part.

Documents (elaboró / revisó / aprobó) and records disposition (propone / resuelve)
both sign this way; each keeps its own record of the signature.

The password itself is checked by the accounts module, which counts a wrong one
towards the same throttle as a failed login (so a signature form is no way round the
login limit). The kernel cannot import it, so it installs its check here at start-up
(``install_password_check``, from ``qms.auth.signature_check``).
"""
from __future__ import annotations

from typing import Callable

from flask import current_app

from qms.errors import ServiceError

#: ``check(actor, password)``: returns when the password is the actor's own, raises
#: ServiceError otherwise. Installed by the accounts module when the app is built.
_password_check: Callable[[object, str], None] | None = None


def install_password_check(check: Callable[[object, str], None]) -> None:
    """Make ``check`` the one that every signed act uses."""
    global _password_check
    _password_check = check


def segregation_applies() -> bool:
    """Return whether segregation of duties is on (``QMS_SEGREGATION_OF_DUTIES``)."""
    return bool(current_app.config.get("SEGREGATION_OF_DUTIES", True))


def refuse_if_took_part(took_part: bool, message: str) -> None:
    """Refuse the act when segregation applies and the actor already took part."""
    if took_part and segregation_applies():
        raise ServiceError(message)


def confirm_password(actor, password: str) -> None:
    """Refuse the act unless ``password`` is the actor's own (the signature).

    Fails closed: without an installed check no act can be signed.
    """
    if _password_check is None:
        raise RuntimeError("no password check installed: build the app with qms.create_app")
    _password_check(actor, password)
