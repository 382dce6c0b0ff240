"""Attacks leave traces: security events are chained in the trail and the committee sees them.

Failed logins (known and unknown names), lockouts, refused pages (403), rejected forms
(CSRF), password and role changes. The refusals are rolled back by their views, yet
their entries stay; no entry ever holds a password; the chain still verifies.
"""
import json

import pytest
import sqlalchemy as sa

from qms.auth import service
from qms.auth.models import LoginAttempt, Role
from qms.extensions import db
from qms.trail.models import AuditEntry
from qms.trail.service import verify_chain
from tests.conftest import PASSWORD


def _security(action=None):
    stmt = sa.select(AuditEntry).where(AuditEntry.action.like("security.%")).order_by(AuditEntry.seq)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.session.scalars(stmt).all()


def _trail_text() -> str:
    return json.dumps([[e.username, e.object_label, e.details] for e in db.session.scalars(sa.select(AuditEntry))],
                      ensure_ascii=False)


def test_failed_logins_are_chained_for_known_and_unknown_names_without_the_password(users, login):
    login("nadie", "secreto-de-nadie-1")
    login("author", "secreto-del-autor-1")

    unknown, known = _security("security.login_failed")
    assert (unknown.object_label, unknown.details["known"], unknown.username) == ("nadie", False, "anónimo")
    assert (known.object_label, known.details["known"], known.object_id) == ("author", True, str(users["author"].id))
    assert known.details["ip"] == "127.0.0.1"
    assert "secreto-de-nadie-1" not in _trail_text() and "secreto-del-autor-1" not in _trail_text()
    assert verify_chain().ok


def test_a_lockout_is_one_entry_and_the_refused_tries_add_none(app, users, login):
    for n in range(app.config["LOGIN_MAX_FAILURES"] + 5):
        login("author", f"adivinanza-{n}")
    assert len(_security("security.login_failed")) == app.config["LOGIN_MAX_FAILURES"]
    (locked,) = _security("security.account_locked")
    assert locked.object_label == "author" and locked.details["via"] == "login"
    refused = db.session.scalar(sa.select(sa.func.count(LoginAttempt.id)).where(LoginAttempt.throttled.is_(True)))
    assert refused == 5


def test_a_forbidden_page_is_chained_although_its_request_is_rolled_back(client, users, login):
    login("staff")
    assert client.get("/admin/usuarios").status_code == 403
    (entry,) = _security("security.forbidden")
    assert (entry.username, entry.object_label, entry.object_id) == ("staff", "/admin/usuarios", "admin.users")
    assert verify_chain().ok


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_forged_form_is_refused_and_chained(client, users):
    # A page elsewhere posts the login form with the victim's browser: no CSRF token.
    response = client.post("/ingresar", data={"username": "author", "password": PASSWORD})
    assert response.status_code == 400
    (entry,) = _security("security.csrf_rejected")
    assert entry.object_label == "/ingresar" and entry.details["method"] == "POST"
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 0  # nothing was tried
    assert PASSWORD not in _trail_text() and verify_chain().ok


def test_password_and_role_changes_are_security_events(client, users, login):
    admin, staff = users["admin"], users["staff"]
    service.update_user(admin, staff, full_name=staff.full_name, email="", position="", unit=None,
                        roles=["staff", "author"], is_enabled=True, new_password="restablecida-por-admin")
    service.change_password(users["author"], PASSWORD, "mi-nueva-frase-larga")
    role = db.session.scalar(sa.select(Role).where(Role.name == "staff"))
    service.update_role(admin, role, label=role.label, permissions=sorted(set(role.permissions) | {"record.read"}))
    db.session.commit()

    actions = [e.action for e in _security()]
    assert actions == ["security.password_reset", "security.roles_changed", "security.password_changed",
                       "security.role_permissions_changed"]
    assert _security("security.roles_changed")[0].details["roles"] == [["staff"], ["author", "staff"]]
    assert "restablecida-por-admin" not in _trail_text() and "mi-nueva-frase-larga" not in _trail_text()


def test_the_committee_filters_security_events_and_others_may_not(client, users, login):
    login("nadie", "cualquier-cosa-1")
    login("author", "cualquier-cosa-2")
    login("staff")
    client.get("/admin/usuarios")
    assert client.get("/admin/seguridad/").status_code == 403
    client.post("/salir")

    login("quality")
    assert "Eventos de seguridad" in client.get("/pendientes").get_data(as_text=True)  # in the menu
    page = client.get("/admin/seguridad/").get_data(as_text=True)
    assert "Ingreso fallido" in page and "Acceso denegado (403)" in page and "nadie" in page
    only_logins = client.get("/admin/seguridad/?action=security.login_failed").get_data(as_text=True)
    assert "Ingreso fallido" in only_logins and "/admin/usuarios" not in only_logins
    one_account = client.get("/admin/seguridad/?username=author").get_data(as_text=True)
    assert "author" in one_account and "nadie" not in one_account
