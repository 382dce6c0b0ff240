"""Attack: tell which user names exist by how long a wrong login takes.

The hash ran only for existing accounts (with scrypt, about 240 ms against 11 ms for
an unknown name). Now every path hashes once: unknown and disabled names against a
dummy hash of the configured method and parameters. Counted, not timed (the
``hashings`` fixture), for the tests' cheap pbkdf2 and for argon2id alike.
"""
import pytest

from qms.auth import hashing, service
from qms.extensions import db


@pytest.fixture(params=["pbkdf2:sha256:1000", "argon2id:8192:1:1"])
def app_overrides(request):
    return {"PASSWORD_HASH_METHOD": request.param}


def _hashings_for(login, hashings, username, password="incorrecta-123"):
    before = len(hashings)
    page = login(username, password).get_data(as_text=True)
    assert "Usuario o contraseña incorrectos." in page
    return len(hashings) - before


def test_unknown_disabled_and_known_names_cost_the_same_hashing(app, users, login, hashings):
    staff = users["staff"]
    service.update_user(users["admin"], staff, full_name=staff.full_name, email="", position="", unit=None,
                        roles=["staff"], is_enabled=False)
    db.session.commit()

    known = _hashings_for(login, hashings, "author")
    unknown = _hashings_for(login, hashings, "no-existe")
    disabled = _hashings_for(login, hashings, "staff", "clave-de-prueba-1")  # even the right password

    assert known == unknown == disabled == 1
    # The same method and parameters: the dummy is made with the configured ones.
    schemes = {hashing.scheme(h) for h in hashings}
    assert schemes == {hashing.scheme(users["author"].password_hash)}
    assert schemes == {hashing.scheme(hashing.hash_password("x", app.config["PASSWORD_HASH_METHOD"]))}


def test_an_empty_password_is_hashed_too(app, users, hashings):
    with app.test_request_context():
        assert hashing.verify(users["author"].password_hash, "") is False
        assert hashing.verify(None, "") is False
    assert len(hashings) == 2
