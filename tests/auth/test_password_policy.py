"""Attack: guess the passwords people choose when nothing stops them.

Wherever a person sets a password (the administrator creating a user or resetting
one, a user changing their own, ``qms users create``) the user name, repetitions and
the most common passwords, English or Spanish, are refused with a clear message; the
form keeps what was typed except the password. Long passphrases are welcome.
"""
import pytest
import sqlalchemy as sa

from qms.auth import password_policy
from qms.auth.models import User
from qms.errors import ServiceError
from qms.extensions import db
from tests.conftest import PASSWORD

WEAK = {
    "MRojas2026!!": password_policy.HAS_NAME,
    "la-clave-de-MROJAS": password_policy.HAS_NAME,
    "aaaaaaaaaaaa": password_policy.REPETITIVE,
    "1212121212": password_policy.REPETITIVE,
    "holaholahola": password_policy.REPETITIVE,
    "abcdefghijk": password_policy.REPETITIVE,
    "1234567890": password_policy.COMMON,
    "password123": password_policy.COMMON,
    "qwertyuiop": password_policy.COMMON,
    "P@ssw0rd2024": password_policy.COMMON,
    "Chile2024!!": password_policy.COMMON,
    "contraseña2025": password_policy.COMMON,
    "123456Santiago": password_policy.COMMON,
    "Colocolo1991": password_policy.COMMON,
}


def _new_user(client, password):
    return client.post("/admin/usuarios/nuevo", data={
        "username": "mrojas", "full_name": "María Rojas Escrita", "position": "Analista", "unit_id": 0,
        "roles": ["staff"], "new_password": password})


@pytest.mark.parametrize("password", sorted(WEAK))
def test_the_administrator_cannot_give_a_weak_password(client, users, login, password):
    login("admin")
    response = _new_user(client, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and WEAK[password] in page
    assert "María Rojas Escrita" in page and "Analista" in page  # what was typed stays...
    assert f'value="{password}"' not in page  # ...except the password
    assert db.session.scalar(sa.select(User).where(User.username == "mrojas")) is None


def test_long_passphrases_are_welcome_up_to_the_limit(client, users, login):
    login("admin")
    too_long = "una frase larga de verdad " * 10 + "x" * (password_policy.MAX_LENGTH - 259)
    assert len(too_long) > password_policy.MAX_LENGTH
    assert "como máximo 256 caracteres" in _new_user(client, too_long).get_data(as_text=True)
    passphrase = ("el río Biobío baja lento entre los álamos de la ribera sur; más abajo, en Concepción, "
                  "el puente viejo cruza hacia San Pedro de la Paz, donde mi abuela vendía sopaipillas "
                  "los domingos de invierno frente a la plaza, con pebre y mucho ají de color")
    assert 200 < len(passphrase) <= password_policy.MAX_LENGTH
    assert _new_user(client, passphrase).status_code == 302
    assert db.session.scalar(sa.select(User).where(User.username == "mrojas")).check_password(passphrase)


def test_an_administrator_reset_follows_the_policy(client, users, login):
    login("admin")
    staff = users["staff"]
    page = client.post(f"/admin/usuarios/{staff.id}", data={
        "full_name": "Nombre Cambiado", "unit_id": 0, "roles": ["staff"], "is_enabled": "y",
        "new_password": "Staff.2026.staff"}).get_data(as_text=True)
    assert password_policy.HAS_NAME in page and "Nombre Cambiado" in page
    db.session.expire_all()
    assert staff.check_password(PASSWORD) and staff.full_name == "Persona Staff"


def test_ones_own_new_password_follows_the_policy(client, users, login):
    login("author")
    page = client.post("/cuenta/contrasena", data={"current_password": PASSWORD, "new_password": "Password2024"})
    assert password_policy.COMMON in page.get_data(as_text=True)
    db.session.expire_all()
    assert users["author"].check_password(PASSWORD)


def test_the_command_line_follows_the_policy(app, users):
    from qms.cli import users_create

    result = app.test_cli_runner().invoke(users_create, [
        "jperez", "--name", "Juan Pérez", "--role", "staff", "--password", "jperez12345"])
    assert result.exit_code != 0 and password_policy.HAS_NAME in result.output
    assert db.session.scalar(sa.select(User).where(User.username == "jperez")) is None


def test_the_shipped_list_is_the_top_ten_thousand():
    common = password_policy.common_passwords()
    assert len(common) > 10_000 and {"123456", "password", "iloveyou", "contraseña", "chile"} <= common


@pytest.mark.parametrize("password", ["clave-de-prueba-1", "Tres perros comen pan", "nieve-en-el-llaima-2026"])
def test_reasonable_passwords_pass(password):
    password_policy.check(password, "mrojas")


def test_messages_name_their_field():
    with pytest.raises(ServiceError) as refused:
        password_policy.check("corta", "x", field="new_password")
    assert refused.value.field == "new_password" and "al menos 10 caracteres" in refused.value.message
