"""The password of a signed-in user (a signature, a password change), counted like a login.

Without this, a signature form was an oracle: any number of wrong passwords, each a
plain refusal, then the right one signed. Now each wrong one counts towards the
account's throttle (``qms.auth.throttle``) and is a trail entry; past the limit the act
is refused whatever the password, and every session of the account is ended (its
session token is rotated, as a logout does), so whoever holds the session must sign in
again, which the same throttle refuses for the rest of the window.

Everything is written with ``qms.core.durable``: the caller rolls its transaction back
on the ServiceError raised here, and the count, the entry and the new token stay.
Installed as the kernel's check at import (``qms.core.signing.install_password_check``).
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import has_request_context, request

from qms.auth import hashing, throttle
from qms.auth import security_events as events
from qms.auth.models import User
from qms.core import durable, signing
from qms.errors import ServiceError

WRONG = "La contraseña no es correcta."
LOCKED = ("Demasiados intentos fallidos de contraseña para esta cuenta: la acción se rechazó y sus sesiones "
          "se cerraron. Podrá ingresar nuevamente en {wait}.")

#: What a wrong password is called in the trail, by where it was typed.
FAILED_EVENT = {throttle.SIGNATURE: events.SIGNATURE_FAILED, throttle.PASSWORD_CHANGE: events.PASSWORD_CHANGE_FAILED}


def client_address() -> str:
    """The client as the app sees it (see ``qms.auth.throttle`` about proxies)."""
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def _end_sessions(user_id: int) -> None:
    """Rotate the account's session token, outliving the caller's rollback."""
    token = secrets.token_hex(16)
    durable.after_transaction(
        lambda session: session.execute(sa.update(User).where(User.id == user_id).values(session_token=token)))


def confirm_own_password(actor, password: str, *, field: str = "password", kind: str = throttle.SIGNATURE) -> None:
    """Return when ``password`` is ``actor``'s own; count and refuse otherwise."""
    address = client_address()
    wait = throttle.account_wait(actor.username)
    if wait:
        # The password is not even looked at: answering it would keep the oracle open.
        throttle.record_refused(actor.username, address, kind)
        events.refused(actor, events.SIGNATURE_REFUSED, "user", actor.id, actor.username,
                       {"ip": address, "via": kind, "sessions_ended": True})
        _end_sessions(actor.id)
        raise ServiceError(LOCKED.format(wait=throttle.in_words(wait)), field=field)
    if hashing.verify(actor.password_hash, password):
        return
    events.refused(actor, FAILED_EVENT[kind], "user", actor.id, actor.username, {"ip": address})
    wait = throttle.record_failure(actor.username, address, kind, actor=actor, user_id=actor.id)
    if wait:
        _end_sessions(actor.id)
        raise ServiceError(LOCKED.format(wait=throttle.in_words(wait)), field=field)
    raise ServiceError(WRONG, field=field)


signing.install_password_check(confirm_own_password)
