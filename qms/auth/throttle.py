"""How many wrong passwords an account and a client address may try.

Per account (``LOGIN_MAX_FAILURES`` within ``LOGIN_FAILURE_WINDOW_MINUTES``): wrong
passwords typed at the login form, on a signature or when changing one's password all
count. Past the limit the account refuses every password, right or wrong, until the
oldest of those failures leaves the window. Unknown user names are counted the same
way, so the throttle tells nothing about which names exist.

Per address (``LOGIN_ADDRESS_MAX_FAILURES`` login failures within
``LOGIN_ADDRESS_WINDOW_MINUTES``, a much larger number): past the limit the address
waits before its next try, 1 s, then 2 s, 4 s... up to
``LOGIN_ADDRESS_MAX_DELAY_SECONDS``. A guesser spraying many accounts is slowed to a
crawl, while an office behind one NAT is only made to wait, never shut out. The
address is ``request.remote_addr``: behind a reverse proxy that is the proxy, unless
``QMS_TRUSTED_PROXIES`` says how many proxies the institution runs, which wraps the app
in werkzeug's ``ProxyFix`` (``qms.home.setup``). ``X-Forwarded-For`` is not trusted by
default, since any client can send it.

A refused attempt is recorded (``throttled``) but never counts as a failure, or one
guess every few minutes would keep an account locked for ever. Failures are written
with ``qms.core.durable``: they stay when the caller's transaction is rolled back.
The wait is answered at once ("intente nuevamente en N segundos"): no worker sleeps.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from qms.auth import security_events as events
from qms.auth.models import LoginAttempt
from qms.core import durable
from qms.extensions import db
from qms.timeutil import system_now

LOGIN = "login"
SIGNATURE = "signature"
PASSWORD_CHANGE = "password_change"


def _failures(since: datetime, *conditions) -> list[datetime]:
    """Return the instants of the counted failures matching ``conditions``, oldest first."""
    return list(db.session.scalars(
        sa.select(LoginAttempt.at)
        .where(LoginAttempt.is_success.is_(False), LoginAttempt.throttled.is_(False), LoginAttempt.at >= since,
               *conditions)
        .order_by(LoginAttempt.at)))


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, math.ceil((moment - now).total_seconds()))


def _account_window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _account_failures(username: str, now: datetime) -> list[datetime]:
    return _failures(now - _account_window(), LoginAttempt.username == username)


def _account_wait(times: list[datetime], now: datetime) -> int:
    """Seconds until fewer than the limit of ``times`` are left in the window."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if len(times) < limit:
        return 0
    return max(1, _seconds_until(times[len(times) - limit] + _account_window(), now))


def account_wait(username: str) -> int:
    """Seconds the account must wait before a password is looked at again (0: none)."""
    now = system_now()
    return _account_wait(_account_failures(username, now), now)


def _address_failures(address: str, now: datetime) -> list[datetime]:
    window = timedelta(minutes=current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"])
    return _failures(now - window, LoginAttempt.remote_addr == address, LoginAttempt.kind == LOGIN)


def address_wait(address: str) -> int:
    """Seconds the client address must wait before its next login try (0: none)."""
    now = system_now()
    times = _address_failures(address, now)
    over = len(times) - current_app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    if over < 0:
        return 0
    delay = min(2 ** min(over, 30), current_app.config["LOGIN_ADDRESS_MAX_DELAY_SECONDS"])
    return _seconds_until(times[-1] + timedelta(seconds=delay), now)


def _keep(**values) -> None:
    """Write one attempt so that it outlives the caller's transaction."""
    durable.after_transaction(lambda session: session.add(LoginAttempt(**values)))


def record_refused(username: str, address: str, kind: str) -> None:
    """Record an attempt the throttle refused; it is not a failure."""
    _keep(username=username, remote_addr=address, kind=kind, is_success=False, throttled=True, at=system_now())


def record_success(username: str, address: str) -> None:
    """Record a good login, in the caller's transaction."""
    db.session.add(LoginAttempt(username=username, remote_addr=address, kind=LOGIN, is_success=True,
                                at=system_now()))


def record_failure(username: str, address: str, kind: str, *, actor=None, user_id=None) -> int:
    """Count a wrong password; return the account's wait when this failure locks it, else 0.

    The lock and the moment an address starts being slowed are security events.
    """
    now = system_now()
    before = _account_failures(username, now)
    _keep(username=username, remote_addr=address, kind=kind, is_success=False, throttled=False, at=now)
    wait = 0
    if _account_wait(before, now) == 0:
        wait = _account_wait(before + [now], now)
        if wait:
            events.refused(actor, events.ACCOUNT_LOCKED, "user", user_id, username, {
                "via": kind, "ip": address, "failures": len(before) + 1, "minutes": math.ceil(wait / 60)})
    if kind == LOGIN and len(_address_failures(address, now)) + 1 == current_app.config["LOGIN_ADDRESS_MAX_FAILURES"]:
        events.refused(actor, events.ADDRESS_THROTTLED, "address", address[:40], address, {
            "failures": current_app.config["LOGIN_ADDRESS_MAX_FAILURES"],
            "minutes": current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"]})
    return wait


def in_words(seconds: int) -> str:
    """``45 segundos``, ``3 minutos``: a wait as the refusal message says it."""
    if seconds < 120:
        return f"{seconds} segundo{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutos"
