"""Sign-in, sessions that really end, throttling and safe redirects."""
import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.auth import service
from qms.extensions import db
from tests.conftest import PASSWORD


def test_login_and_logout(client, users, login):
    response = login("author")
    assert response.status_code == 302
    assert client.get("/pendientes").status_code == 200
    client.post("/salir")
    assert client.get("/pendientes").status_code == 302


def test_errors_do_not_reveal_whether_the_user_exists(client, users, login):
    unknown = login("nadie", "loquesea-123").get_data(as_text=True)
    wrong = login("author", "incorrecta-123").get_data(as_text=True)
    assert "Usuario o contraseña incorrectos." in unknown
    assert "Usuario o contraseña incorrectos." in wrong
    assert unknown.replace("nadie", "author") == wrong


def test_replayed_cookie_after_logout_is_refused(app, client, users, login):
    login("author")
    cookie = client.get_cookie("qms_session").value
    client.post("/salir")
    other = app.test_client()
    other.set_cookie("qms_session", cookie, domain="localhost")
    response = other.get("/pendientes")
    assert response.status_code == 302 and "/ingresar" in response.headers["Location"]


def test_password_change_ends_other_sessions(app, client, users, login):
    login("author")
    second = app.test_client()
    login("author", target=second)
    assert second.get("/pendientes").status_code == 200
    response = client.post("/cuenta/contrasena", data={"current_password": PASSWORD, "new_password": "otra-clave-segura"})
    assert response.status_code == 302
    assert client.get("/pendientes").status_code == 200
    assert second.get("/pendientes").status_code == 302


def test_deactivation_ends_the_session(app, client, users, login):
    login("staff")
    assert client.get("/pendientes").status_code == 200
    staff = users["staff"]
    service.update_user(users["admin"], staff, full_name=staff.full_name, email="", position="", unit=None,
                        roles=["staff"], is_enabled=False)
    db.session.commit()
    assert client.get("/pendientes").status_code == 302
    assert "incorrectos" in login("staff").get_data(as_text=True)


def test_idle_timeout(client, users, login):
    with freeze_time("2026-11-22 12:00:00") as clock:
        login("author")
        assert client.get("/pendientes").status_code == 200
        clock.tick(29 * 60)
        assert client.get("/pendientes").status_code == 200
        clock.tick(31 * 60)
        response = client.get("/pendientes")
        assert response.status_code == 302 and "/ingresar" in response.headers["Location"]


def test_throttling_is_per_account(app, client, users, login):
    for _ in range(10):
        login("author", "incorrecta-123")
    # The right password is refused while the account is throttled...
    assert "Demasiados intentos" in login("author").get_data(as_text=True)
    # ...but colleagues behind the same address still get in.
    other = app.test_client()
    assert login("reviewer", target=other).status_code == 302


def test_throttling_expires(app, client, users, login):
    with freeze_time("2026-11-22 12:00:00") as clock:
        for _ in range(11):
            login("author", "incorrecta-123")
        assert "Demasiados intentos" in login("author").get_data(as_text=True)
        clock.tick(16 * 60)
        assert login("author").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "https://evil.example/x",
                                    "http:/evil.example", "javascript:alert(1)", "/%09/evil.example", "/%5Cevil.example"])
def test_next_redirects_stay_on_the_site(client, users, target):
    response = client.post(f"/ingresar?next={target}", data={"username": "author", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/pendientes"


def test_next_within_the_site_is_followed(client, users):
    response = client.post("/ingresar?next=/documentos/", data={"username": "author", "password": PASSWORD})
    assert response.headers["Location"] == "/documentos/"


def test_usernames_are_never_reused(users):
    from qms.errors import ServiceError

    with pytest.raises(ServiceError, match="no se reutilizan"):
        service.create_user(None, username="author", full_name="Otra", password="clave-nueva-123", roles=["staff"])


def test_session_cookie_flags(client, users, login):
    login("author")
    header = next(h for h in client.get("/pendientes").headers.getlist("Set-Cookie") if h.startswith("qms_session"))
    assert "HttpOnly" in header and "SameSite=Lax" in header


@pytest.mark.parametrize("app_overrides", [{"SESSION_COOKIE_SECURE": True}])
def test_secure_cookie_when_configured(client, users, login):
    response = login("author")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("qms_session"))
    assert "Secure" in header


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_is_enforced(client, users):
    response = client.post("/ingresar", data={"username": "author", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulario expirado" in response.get_data(as_text=True)
