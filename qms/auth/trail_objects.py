"""How the audit trail shows user accounts and roles (see ``qms/trail/registry.py``).

Accounts and roles are seen on the administration screens only, so their entries
(sign-ins with their address, role changes, password changes) are for ``admin.users``.
"""
from __future__ import annotations

from flask import url_for

from qms.auth.models import Role, User
from qms.core import permissions as P
from qms.trail.registry import ObjectKind, holders_of, loader, open_to, register

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
