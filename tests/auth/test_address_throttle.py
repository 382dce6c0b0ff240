"""Attack: spray guesses over many accounts from one address, and keep an account locked.

60 guesses over 60 accounts from one address once ran unthrottled (the limit was per
account only). Now an address past its own, much larger, limit waits before each next
try, and the wait doubles. Refused tries are never counted as failures, so an attacker
cannot keep an account locked by sending a guess now and then. The address is
``request.remote_addr``; a forged X-Forwarded-For changes nothing.
"""
import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from werkzeug import security

from qms.auth.models import LoginAttempt
from qms.extensions import db
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


def _post(client, username, password, address, **headers):
    return client.post("/ingresar", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers).get_data(as_text=True)


def _lock_author(app, client):
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _post(client, "author", f"adivinanza-{n}", ATTACKER)


def _signs_in(client, address, **headers) -> bool:
    return client.post("/ingresar", data={"username": "author", "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": address}, headers=headers).status_code == 302


def test_sixty_guesses_sprayed_from_one_address_are_slowed_after_its_limit(app, client, users, monkeypatch):
    hashed = []
    original = security.check_password_hash
    monkeypatch.setattr(security, "check_password_hash", lambda h, p: hashed.append(p) or original(h, p))
    limit = app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    with freeze_time("2026-11-22 12:00:00"):
        # Each guess on another name (and a forged proxy header): no account reaches its own limit.
        pages = [_post(client, f"persona{n}", "Verano2026", ATTACKER, **{"X-Forwarded-For": f"10.0.0.{n}"})
                 for n in range(60)]
        assert all("Usuario o contraseña incorrectos." in page for page in pages[:limit])
        assert all("desde su dirección de red. Intente nuevamente en 1 segundo" in page for page in pages[limit:])
        # The refused guesses were not even hashed, and do not count as failures.
        assert len(hashed) == limit
        counted = db.session.scalar(sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.remote_addr == ATTACKER, LoginAttempt.throttled.is_(False)))
        assert counted == limit
        # The same people from their own office are not affected.
        assert _signs_in(client, OFFICE)


def test_the_wait_of_an_address_doubles_with_each_further_failure(app, client, users):
    limit = app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    with freeze_time("2026-11-22 12:00:00") as clock:
        for n in range(limit):
            _post(client, f"persona{n}", "Verano2026", ATTACKER)
        waits = []
        for n in range(4):
            page = _post(client, "otra", "Verano2026", ATTACKER)
            waits.append(int(page.split("Intente nuevamente en ")[1].split(" ")[0]))
            clock.tick(waits[-1])
            assert "Usuario o contraseña incorrectos." in _post(client, f"otra{n}", "Verano2026", ATTACKER)
        assert waits == [1, 2, 4, 8]
        # An office behind this address is made to wait, never shut out: after the wait the right password works.
        clock.tick(16)
        assert _signs_in(client, ATTACKER)


def test_a_guess_now_and_then_does_not_keep_an_account_locked(app, client, users):
    with freeze_time("2026-11-22 12:00:00") as clock:
        _lock_author(app, client)
        clock.tick(10 * 60)
        for n in range(app.config["LOGIN_MAX_FAILURES"]):  # refused: the account is locked
            assert "Demasiados intentos fallidos para esta cuenta" in _post(client, "author", f"otra-{n}", ATTACKER)
        # The lock ends when the counted failures leave the window; the refused tries never counted.
        clock.tick(6 * 60)
        assert _signs_in(client, OFFICE)


def test_the_refusal_says_how_long_to_wait(app, client, users):
    with freeze_time("2026-11-22 12:00:00") as clock:
        _lock_author(app, client)
        assert "Intente nuevamente en 15 minutos" in _post(client, "author", PASSWORD, ATTACKER)
        clock.tick(14 * 60 + 30)
        assert "Intente nuevamente en 30 segundos" in _post(client, "author", PASSWORD, ATTACKER)


@pytest.mark.parametrize("app_overrides", [{"TRUSTED_PROXIES": 1}])
def test_behind_a_configured_proxy_the_forwarded_client_is_throttled(app, client, users):
    limit = app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    with freeze_time("2026-11-22 12:00:00"):
        for n in range(limit):
            _post(client, f"persona{n}", "Verano2026", "10.0.0.1", **{"X-Forwarded-For": ATTACKER})
        assert "desde su dirección de red" in _post(client, "otra", "Verano2026", "10.0.0.1",
                                                    **{"X-Forwarded-For": ATTACKER})
        # Colleagues behind the same proxy come from other addresses.
        assert _signs_in(client, "10.0.0.1", **{"X-Forwarded-For": OFFICE})
    assert db.session.scalar(sa.select(LoginAttempt.remote_addr).where(LoginAttempt.is_success)) == OFFICE
