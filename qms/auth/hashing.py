"""Password hashes, and the same amount of work for an account that has none.

Signing in with an unknown (or disabled) user name must cost what a wrong password
costs: otherwise the answer time tells which names exist (about 10 ms against 240 ms
with scrypt). ``verify`` hashes against a dummy hash of the configured method then.
The hasher is called through the ``werkzeug.security`` module, not a copied name, so
a test can count the calls.
"""
from __future__ import annotations

import secrets

from flask import current_app, has_app_context
from werkzeug import security

DEFAULT_METHOD = "scrypt"

#: One dummy hash per method, made on first use (it costs one hashing).
_dummy_hashes: dict[str, str] = {}


def _method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD) if has_app_context() else DEFAULT_METHOD


def hash_password(password: str) -> str:
    return security.generate_password_hash(password, method=_method())


def _dummy_hash() -> str:
    method = _method()
    if method not in _dummy_hashes:
        _dummy_hashes[method] = security.generate_password_hash(secrets.token_urlsafe(24), method=method)
    return _dummy_hashes[method]


def verify(stored_hash: str | None, password: str) -> bool:
    """Return whether ``password`` matches ``stored_hash``.

    ``stored_hash`` None (no usable account) hashes against the dummy and answers
    False, in the same time. An empty password is hashed too, and never matches.
    """
    matched = security.check_password_hash(stored_hash or _dummy_hash(), password or "")
    return matched and stored_hash is not None and bool(password)
