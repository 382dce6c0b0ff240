"""Users, roles and sign-in: the only place that changes them."""
from __future__ import annotations

import re

import sqlalchemy as sa

from qms.core import permissions as P
from qms.auth import hashing, password_policy, throttle
from qms.auth import security_events as events
from qms.auth.models import Role, User
from qms.auth.signature_check import confirm_own_password
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.timeutil import now_utc
from qms.trail import service as trail

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")

#: The same message for an unknown user and a wrong password, so neither is revealed.
BAD_LOGIN = "Usuario o contraseña incorrectos."
THROTTLED = "Demasiados intentos fallidos para esta cuenta. Intente nuevamente en {wait}."
ADDRESS_THROTTLED = ("Demasiados intentos fallidos de ingreso desde su dirección de red. "
                     "Intente nuevamente en {wait}.")


def _require(actor, permission: str) -> None:
    if actor is None or not actor.can(permission):
        raise PermissionDenied()


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == (username or "").strip().lower()))


def _why_refused(user: User | None) -> str:
    if user is None:
        return "usuario desconocido"
    return "cuenta desactivada" if not user.is_enabled else "contraseña incorrecta"


def authenticate(username: str, password: str, remote_addr: str = "") -> User:
    """Return the user if the credentials are right; raise ServiceError otherwise.

    The client address is throttled first, then the account (``qms.auth.throttle``);
    a refused attempt does not look at the password. An unknown or disabled name is
    hashed against a dummy, so every answer costs the same and says the same. Every
    failure is counted and chained in the trail, and stays when the caller rolls back.
    """
    username = (username or "").strip().lower()[:60]
    remote_addr = (remote_addr or "")[:64]
    wait, message = throttle.address_wait(remote_addr), ADDRESS_THROTTLED
    if not wait:
        wait, message = throttle.account_wait(username), THROTTLED
    if wait:
        throttle.record_refused(username, remote_addr, throttle.LOGIN)
        raise ServiceError(message.format(wait=throttle.in_words(wait)))
    user = find_user(username)
    usable = user is not None and user.is_enabled
    if not hashing.verify(user.password_hash if usable else None, password):
        user_id = user.id if user is not None else None
        events.refused(None, events.LOGIN_FAILED, "user", user_id, username,
                       {"ip": remote_addr, "known": user is not None, "reason": _why_refused(user)})
        throttle.record_failure(username, remote_addr, throttle.LOGIN, user_id=user_id)
        raise ServiceError(BAD_LOGIN)
    throttle.record_success(username, remote_addr)
    user.last_login_at = now_utc()
    details = {"ip": remote_addr}
    if hashing.needs_rehash(user.password_hash):
        # The only moment the password is known: an older scheme (scrypt before
        # argon2id) or older parameters are replaced by the configured ones.
        previous = hashing.scheme(user.password_hash)
        user.set_password(password)
        details["password_scheme"] = [previous, hashing.scheme(user.password_hash)]
    trail.record(user, "user.login", "user", user.id, user.username, details)
    return user


def logout(user: User) -> None:
    """End every session of the user by rotating their session token."""
    user.rotate_session_token()
    trail.record(user, "user.logout", "user", user.id, user.username, {})


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password; the current one is counted like a signature."""
    confirm_own_password(user, current, field="current_password", kind=throttle.PASSWORD_CHANGE)
    password_policy.check(new, user.username, "new_password")
    user.set_password(new)
    user.rotate_session_token()
    trail.record(user, events.PASSWORD_CHANGED, "user", user.id, user.username, {})


def _roles_by_name(names) -> list[Role]:
    roles = db.session.scalars(sa.select(Role).where(Role.name.in_(list(names)))).all()
    missing = set(names) - {r.name for r in roles}
    if missing:
        raise ServiceError(f"Rol desconocido: {', '.join(sorted(missing))}.", field="roles")
    return list(roles)


def create_user(actor, *, username: str, full_name: str, password: str, roles=(), email: str = "",
                position: str = "", unit=None, check_policy: bool | None = None) -> User:
    """Create a user; ``actor`` None means code run by the operator (command line, demo).

    The password policy applies when a person chose the password: always for an
    administrator, and for the command line when it says so (``check_policy``). The
    demo's accounts keep their published passwords, checked for length only.
    """
    if actor is not None:
        _require(actor, P.ADMIN_USERS)
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise ServiceError("El usuario debe tener 2 a 60 caracteres: letras minúsculas, números, punto, guion o guion bajo.",
                           field="username")
    if find_user(username) is not None:
        raise ServiceError("Ese nombre de usuario ya existe o existió; los nombres no se reutilizan.", field="username")
    if not (full_name or "").strip():
        raise ServiceError("El nombre completo es obligatorio.", field="full_name")
    if actor is not None or check_policy:
        password_policy.check(password, username, "new_password")
    else:
        password_policy.check_length(password, "new_password")
    user = User(username=username, full_name=full_name.strip(), email=(email or "").strip(),
                position=(position or "").strip(), unit=unit, roles=_roles_by_name(roles))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    trail.record(actor, "user.created", "user", user.id, username, {"roles": sorted(roles)})
    return user


def update_user(actor, user: User, *, full_name: str, email: str, position: str, unit, roles,
                is_enabled: bool, new_password: str = "") -> User:
    """Change a user's data and roles; deactivation and a new password end their sessions."""
    _require(actor, P.ADMIN_USERS)
    if not (full_name or "").strip():
        raise ServiceError("El nombre completo es obligatorio.", field="full_name")
    if user.id == actor.id and not is_enabled:
        raise ServiceError("No puede desactivar su propia cuenta.", field="is_enabled")
    role_objs = _roles_by_name(roles)
    if user.id == actor.id and not any(P.ADMIN_USERS in (r.permissions or []) for r in role_objs):
        raise ServiceError("No puede quitarse a sí mismo la administración de usuarios.", field="roles")
    if new_password:
        password_policy.check(new_password, user.username, "new_password")
    before = _snapshot(user)
    user.full_name, user.email, user.position = full_name.strip(), (email or "").strip(), (position or "").strip()
    user.unit = unit
    user.roles = role_objs
    if new_password:
        user.set_password(new_password)
    if user.is_enabled and not is_enabled or new_password:
        user.rotate_session_token()
    user.is_enabled = is_enabled
    db.session.flush()
    details = trail.changes(before, _snapshot(user))
    if new_password:
        details["password"] = "cambiada"
    trail.record(actor, "user.updated", "user", user.id, user.username, details)
    _record_security_changes(actor, user, details)
    return user


def _record_security_changes(actor, user: User, details: dict) -> None:
    """Chain the security side of an update on its own, so the committee's page lists it."""
    if "password" in details:
        trail.record(actor, events.PASSWORD_RESET, "user", user.id, user.username, {})
    if "roles" in details:
        trail.record(actor, events.ROLES_CHANGED, "user", user.id, user.username, {"roles": details["roles"]})
    if "is_enabled" in details:
        action = events.ACCOUNT_ENABLED if user.is_enabled else events.ACCOUNT_DISABLED
        trail.record(actor, action, "user", user.id, user.username, {})


def _snapshot(user: User) -> dict:
    return {"full_name": user.full_name, "email": user.email, "position": user.position,
            "unit": user.unit.name if user.unit else None, "roles": sorted(user.role_names),
            "is_enabled": user.is_enabled}


def update_role(actor, role: Role, *, label: str, permissions) -> Role:
    _require(actor, P.ADMIN_USERS)
    unknown = set(permissions) - set(P.PERMISSIONS)
    if unknown:
        raise ServiceError("Permiso desconocido.", field="permissions")
    if not (label or "").strip():
        raise ServiceError("El nombre del rol es obligatorio.", field="label")
    if P.ADMIN_USERS in (role.permissions or []) and P.ADMIN_USERS not in permissions and P.ADMIN_USERS in actor.permissions:
        holders = [r for r in db.session.scalars(sa.select(Role)) if P.ADMIN_USERS in (r.permissions or []) and r.id != role.id]
        if not holders:
            raise ServiceError("Al menos un rol debe conservar la administración de usuarios.", field="permissions")
    before = {"label": role.label, "permissions": sorted(role.permissions or [])}
    role.label = label.strip()
    role.permissions = sorted(set(permissions))
    db.session.flush()
    details = trail.changes(before, {"label": role.label, "permissions": role.permissions})
    trail.record(actor, "role.updated", "role", role.id, role.name, details)
    if "permissions" in details:
        trail.record(actor, events.ROLE_PERMISSIONS_CHANGED, "role", role.id, role.name,
                     {"permissions": details["permissions"]})
    return role
