"""How the audit trail shows user accounts and roles (see ``qms/trail/registry.py``).

Accounts and roles are seen on the administration screens only, so their entries
(sign-ins with their address, role changes, password changes) are for ``admin.users``.
"""
from __future__ import annotations

from flask import url_for

from qms.auth.models import Role, User
from qms.core import permissions as P
from qms.trail.registry import ObjectKind, holders_of, loader, open_to, register
from qms.trail.wording import register_actions

register(ObjectKind(
    object_type="user", label="Usuario", load=loader(User), **open_to(holders_of(P.ADMIN_USERS)),
    describe=lambda user: f"{user.full_name} ({user.username})",
    link=lambda user: url_for("admin.user_edit", user_id=user.id),
))

register(ObjectKind(
    object_type="role", label="Rol", load=loader(Role), **open_to(holders_of(P.ADMIN_USERS)),
    describe=lambda role: role.label,
    link=lambda role: url_for("admin.role_edit", role_id=role.id),
))

register_actions({
    "user.created": "Usuario creado",
    "user.updated": "Usuario modificado",
    "user.login": "Inicio de sesión",
    "user.logout": "Cierre de sesión",
    "role.updated": "Rol modificado",
    "security.account_disabled": "Cuenta deshabilitada",
    "security.account_enabled": "Cuenta habilitada",
    "security.account_locked": "Cuenta bloqueada por intentos fallidos",
    "security.address_throttled": "Dirección bloqueada por intentos fallidos",
    "security.csrf_rejected": "Formulario rechazado (token CSRF)",
    "security.forbidden": "Acceso denegado",
    "security.login_failed": "Inicio de sesión fallido",
    "security.password_change_failed": "Cambio de contraseña fallido",
    "security.password_changed": "Contraseña cambiada",
    "security.password_reset": "Contraseña restablecida",
    "security.role_permissions_changed": "Permisos de un rol modificados",
    "security.roles_changed": "Roles de un usuario modificados",
    "security.signature_failed": "Firma con contraseña incorrecta",
    "security.signature_refused": "Firma rechazada tras demasiados intentos",
})
