"""Password hashes, and the same amount of work for an account that has none.

New hashes are argon2id (argon2-cffi) at OWASP's parameters: 19 MiB of memory, 2
passes, 1 lane (``PASSWORD_HASH_METHOD = "argon2id"``; ``"argon2id:M:T:P"`` names
other parameters, M in KiB). One lane because the server has two cores shared by
every worker: more lanes would shorten one login, not raise how many fit a second.
Hashes of werkzeug's methods (``scrypt``, ``pbkdf2:…``), the scheme before, still
verify; ``needs_rehash`` tells the caller to replace them at the next right password.
The tests name a cheap werkzeug method for speed.

Signing in with an unknown (or disabled) user name must cost what a wrong password
costs: otherwise the answer time tells which names exist (about 10 ms against 60 ms).
``verify`` hashes against a dummy hash of the configured method and parameters then.
The hashers are called through their modules (``werkzeug.security``,
``argon2.PasswordHasher``), not copied names, so a test can count the calls.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache

import argon2
from flask import current_app, has_app_context
from werkzeug import security

ARGON2_PREFIX = "$argon2"
#: OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB, t=2, p=1.
DEFAULT_METHOD = "argon2id"
OWASP_ARGON2ID = (19 * 1024, 2, 1)

#: One dummy hash per method, made on first use (it costs one hashing).
_dummy_hashes: dict[str, str] = {}


@dataclass(frozen=True)
class Argon2Method:
    memory_kib: int
    time_cost: int
    parallelism: int


def _method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD) if has_app_context() else DEFAULT_METHOD


def parse_argon2(method: str) -> Argon2Method | None:
    """Return the argon2id parameters ``method`` names, or None for a werkzeug method."""
    name, *args = method.split(":")
    if name != "argon2id":
        return None
    if not args:
        return Argon2Method(*OWASP_ARGON2ID)
    try:
        memory_kib, time_cost, parallelism = map(int, args)
    except ValueError:
        raise ValueError(f"'argon2id' toma 0 o 3 parámetros (memoria KiB:pasadas:carriles), no {method!r}") from None
    return Argon2Method(memory_kib, time_cost, parallelism)


@lru_cache(maxsize=8)
def _argon2_hasher(params: Argon2Method) -> argon2.PasswordHasher:
    return argon2.PasswordHasher(time_cost=params.time_cost, memory_cost=params.memory_kib,
                                 parallelism=params.parallelism, type=argon2.Type.ID)


def hash_password(password: str, method: str | None = None) -> str:
    method = method or _method()
    params = parse_argon2(method)
    if params is not None:
        return _argon2_hasher(params).hash(password)
    return security.generate_password_hash(password, method=method)


def prepare(method: str) -> None:
    """Make the dummy hash of ``method`` now; a ValueError names a method that does not exist."""
    if method not in _dummy_hashes:
        # Two threads may both make one: either is right, and the dict keeps one.
        _dummy_hashes[method] = hash_password(secrets.token_urlsafe(24), method)


def _dummy_hash() -> str:
    method = _method()
    prepare(method)
    return _dummy_hashes[method]


def _check(stored_hash: str, password: str) -> bool:
    if stored_hash.startswith(ARGON2_PREFIX):
        # Any hasher verifies any argon2 hash: the parameters are read from the hash.
        hasher = _argon2_hasher(Argon2Method(*OWASP_ARGON2ID))
        try:
            return hasher.verify(stored_hash, password)
        except argon2.exceptions.VerificationError:  # a mismatch, or a damaged hash
            return False
        except argon2.exceptions.InvalidHashError:
            return False
    return security.check_password_hash(stored_hash, password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Return whether ``password`` matches ``stored_hash``.

    ``stored_hash`` None (no usable account) hashes against the dummy and answers
    False, in the same time. An empty password is hashed too, and never matches.
    """
    matched = _check(stored_hash or _dummy_hash(), password or "")
    return matched and stored_hash is not None and bool(password)


def scheme(stored_hash: str) -> str:
    """The method and parameters of a hash, without salt or digest ("argon2id:19456:2:1", "scrypt:32768:8:1")."""
    if stored_hash.startswith(ARGON2_PREFIX):
        params = argon2.extract_parameters(stored_hash)
        return f"argon2{params.type.name.lower()}:{params.memory_cost}:{params.time_cost}:{params.parallelism}"
    return stored_hash.split("$", 1)[0]


def needs_rehash(stored_hash: str) -> bool:
    """Return whether ``stored_hash`` is of another method or parameters than the configured ones.

    The dummy hash already carries the configured method spelled as a stored hash
    spells it, so comparing schemes needs no second parser for werkzeug's methods.
    """
    try:
        return scheme(stored_hash) != scheme(_dummy_hash())
    except (ValueError, argon2.exceptions.InvalidHashError):
        return True
