"""Password hashes: argon2id for new ones, older scrypt and pbkdf2 hashes replaced at login.

This module's app hashes with argon2id at small parameters (``argon2id:8192:1:1``)
so that it stays quick and still shows the configured parameters are the ones used;
one test hashes at the real default (OWASP's 19 MiB, 2 passes, 1 lane).
"""
import pytest
import sqlalchemy as sa
from werkzeug import security

from qms import create_app
from qms.auth import hashing
from qms.config import build_config
from qms.extensions import db
from qms.trail.models import AuditEntry
from tests.conftest import PASSWORD

CHEAP_ARGON2 = "argon2id:8192:1:1"


@pytest.fixture
def app_overrides():
    return {"PASSWORD_HASH_METHOD": CHEAP_ARGON2}


def _logins_of(user):
    return db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "user.login", AuditEntry.object_id == str(user.id)).order_by(AuditEntry.seq)).all()


def _give_old_hash(user, method):
    user.password_hash = security.generate_password_hash(PASSWORD, method=method)
    db.session.commit()
    return user.password_hash


def test_the_default_is_argon2id_at_owasp_parameters(monkeypatch, tmp_path):
    monkeypatch.delenv("QMS_PASSWORD_HASH_METHOD", raising=False)
    assert build_config({"INSTANCE_PATH": str(tmp_path)})["PASSWORD_HASH_METHOD"] == "argon2id"

    stored = hashing.hash_password("una frase de prueba larga", "argon2id")

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hashing.verify(stored, "una frase de prueba larga") is True


def test_new_hashes_use_the_configured_method_and_parameters(app, users, client, login):
    assert users["author"].password_hash.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert hashing.needs_rehash(users["author"].password_hash) is False

    assert login("author").status_code == 302
    assert client.get("/pendientes").status_code == 200


def test_a_wrong_password_fails_against_an_argon2id_hash(app, users, client, login, hashings):
    page = login("author", "incorrecta-123").get_data(as_text=True)

    assert "Usuario o contraseña incorrectos." in page
    assert hashings == [users["author"].password_hash]
    assert client.get("/pendientes").status_code == 302  # not signed in


@pytest.mark.parametrize("old_method, old_scheme", [
    ("scrypt", "scrypt:32768:8:1"),  # werkzeug's default, the scheme before argon2id
    ("pbkdf2:sha256:600000", "pbkdf2:sha256:600000"),
])
def test_an_old_hash_signs_in_and_is_replaced_by_argon2id(app, users, client, login, old_method, old_scheme):
    author = users["author"]
    old_hash = _give_old_hash(author, old_method)
    assert hashing.needs_rehash(old_hash) is True

    assert login("author").status_code == 302
    db.session.refresh(author)

    assert author.password_hash.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert hashing.verify(author.password_hash, PASSWORD) is True
    assert _logins_of(author)[-1].details["password_scheme"] == [old_scheme, "argon2id:8192:1:1"]

    # The next login finds the new hash and leaves it as it is.
    client.post("/salir")
    new_hash = author.password_hash
    assert login("author").status_code == 302
    db.session.refresh(author)
    assert author.password_hash == new_hash
    assert "password_scheme" not in _logins_of(author)[-1].details


def test_a_wrong_password_against_an_old_hash_fails_and_keeps_it(app, users, client, login):
    author = users["author"]
    old_hash = _give_old_hash(author, "scrypt")

    page = login("author", "incorrecta-123").get_data(as_text=True)

    assert "Usuario o contraseña incorrectos." in page
    db.session.refresh(author)
    assert author.password_hash == old_hash
    assert client.get("/pendientes").status_code == 302


def test_the_trail_shows_the_replaced_scheme_in_words(app, users, login):
    from qms.trail.wording import generic_lines

    _give_old_hash(users["author"], "scrypt")
    login("author")

    lines = generic_lines("user.login", _logins_of(users["author"])[-1].details)
    assert "Hash de la contraseña: scrypt:32768:8:1 → argon2id:8192:1:1" in lines


def test_an_unknown_name_costs_one_argon2id_hashing_of_the_same_parameters(app, users, login, hashings):
    page = login("no-existe", "incorrecta-123").get_data(as_text=True)

    assert "Usuario o contraseña incorrectos." in page
    assert len(hashings) == 1
    assert hashing.scheme(hashings[0]) == hashing.scheme(users["author"].password_hash) == "argon2id:8192:1:1"


def test_other_argon2id_parameters_are_replaced_too(app):
    weaker = hashing.hash_password(PASSWORD, "argon2id:4096:1:1")
    assert hashing.needs_rehash(weaker) is True
    assert hashing.verify(weaker, PASSWORD) is True  # still signs in meanwhile


def test_a_misspelt_method_stops_the_start(tmp_path):
    with pytest.raises(ValueError):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "PASSWORD_HASH_METHOD": "argon2id:mucha"})
