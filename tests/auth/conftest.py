import argon2
import pytest
from werkzeug import security


@pytest.fixture
def hashings(monkeypatch):
    """Every stored hash checked against a password, by either library, in order.

    Counted, not timed: each library's check is replaced by a counting wrapper.
    """
    calls = []
    werkzeug_check = security.check_password_hash
    argon2_verify = argon2.PasswordHasher.verify

    def counting_werkzeug(pwhash, password):
        calls.append(pwhash)
        return werkzeug_check(pwhash, password)

    def counting_argon2(self, pwhash, password):
        calls.append(pwhash)
        return argon2_verify(self, pwhash, password)

    monkeypatch.setattr(security, "check_password_hash", counting_werkzeug)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting_argon2)
    return calls
