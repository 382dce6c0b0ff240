"""Administration of users and roles through the pages."""
import sqlalchemy as sa

from qms.auth.models import Role, User
from qms.extensions import db


def test_admin_creates_a_user(client, users, login):
    login("admin")
    response = client.post("/admin/usuarios/nuevo", data={
        "username": "MRojas", "full_name": "María Rojas", "position": "Analista", "unit_id": 0,
        "roles": ["author", "staff"], "new_password": "una-clave-larga"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "mrojas"))
    assert sorted(user.role_names) == ["author", "staff"] and user.check_password("una-clave-larga")


def test_bad_user_input_keeps_what_was_typed(client, users, login):
    login("admin")
    page = client.post("/admin/usuarios/nuevo", data={
        "username": "nueva", "full_name": "Nombre Escrito", "unit_id": 0, "roles": ["staff"],
        "new_password": "corta"}).get_data(as_text=True)
    assert "al menos 10 caracteres" in page and "Nombre Escrito" in page
    page = client.post("/admin/usuarios/nuevo", data={
        "username": "staff", "full_name": "Otra Persona", "unit_id": 0, "roles": ["staff"],
        "new_password": "una-clave-larga"}).get_data(as_text=True)
    assert "no se reutilizan" in page


def test_admin_cannot_lock_themselves_out(client, users, login):
    login("admin")
    admin = users["admin"]
    page = client.post(f"/admin/usuarios/{admin.id}", data={
        "full_name": admin.full_name, "unit_id": 0, "roles": ["admin"], "new_password": ""}).get_data(as_text=True)
    assert "No puede desactivar su propia cuenta." in page
    page = client.post(f"/admin/usuarios/{admin.id}", data={
        "full_name": admin.full_name, "unit_id": 0, "roles": ["staff"], "is_enabled": "y"}).get_data(as_text=True)
    assert "No puede quitarse a sí mismo" in page


def test_role_permissions_are_editable(client, users, login):
    login("admin")
    role = db.session.scalar(sa.select(Role).where(Role.name == "staff"))
    response = client.post(f"/admin/roles/{role.id}", data={"label": "Funcionario(a)",
                                                           "permissions": ["nonconformity.report", "record.read"]})
    assert response.status_code == 302
    db.session.refresh(role)
    assert role.permissions == ["nonconformity.report", "record.read"]
    assert users["staff"].can("record.read")
    page = client.post(f"/admin/roles/{role.id}", data={"label": "X", "permissions": ["no.existe"]}).get_data(as_text=True)
    assert "no es una opción válida" in page.lower()
    db.session.refresh(role)
    assert role.label == "Funcionario(a)"
