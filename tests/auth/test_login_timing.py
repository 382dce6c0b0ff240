"""Attack: tell which user names exist by how long a wrong login takes.

scrypt ran only for existing accounts (about 240 ms against 11 ms for an unknown
name). Now every path hashes once: unknown and disabled names against a dummy hash.
Counted, not timed: the hasher is replaced by a counting wrapper.
"""
import pytest
from werkzeug import security

from qms.auth import service
from qms.extensions import db


@pytest.fixture
def hashings(monkeypatch):
    calls = []
    original = security.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return original(pwhash, password)

    monkeypatch.setattr(security, "check_password_hash", counting)
    return calls


def _hashings_for(login, hashings, username, password="incorrecta-123"):
    before = len(hashings)
    page = login(username, password).get_data(as_text=True)
    assert "Usuario o contraseña incorrectos." in page
    return len(hashings) - before


def test_unknown_disabled_and_known_names_cost_the_same_hashing(users, login, hashings):
    staff = users["staff"]
    service.update_user(users["admin"], staff, full_name=staff.full_name, email="", position="", unit=None,
                        roles=["staff"], is_enabled=False)
    db.session.commit()

    known = _hashings_for(login, hashings, "author")
    unknown = _hashings_for(login, hashings, "no-existe")
    disabled = _hashings_for(login, hashings, "staff", "clave-de-prueba-1")  # even the right password

    assert known == unknown == disabled == 1
    # The same kind of hash: the dummy is made with the configured method.
    assert hashings[-2].split("$")[0] == hashings[-3].split("$")[0]


def test_an_empty_password_is_hashed_too(app, users, hashings):
    from qms.auth import hashing

    with app.test_request_context():
        assert hashing.verify(users["author"].password_hash, "") is False
        assert hashing.verify(None, "") is False
    assert len(hashings) == 2
