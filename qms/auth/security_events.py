"""Security events in the chained trail, under one prefix so the committee can filter them.

Two kinds of entry:

* refusals (a wrong password, a lockout, a forbidden page, a rejected form) are written
  with :func:`refused`, which survives the rollback of the caller's transaction
  (``qms.trail.service.record_outside``): the refused operation leaves nothing else;
* changes (a new password, new roles) are written by their service with
  ``qms.trail.service.record`` in the same transaction, so they exist only if the
  change does.

No entry ever holds a password, right or wrong.
"""
from __future__ import annotations

from types import SimpleNamespace

from qms.trail import service as trail

PREFIX = "security."

LOGIN_FAILED = "security.login_failed"
ACCOUNT_LOCKED = "security.account_locked"
ADDRESS_THROTTLED = "security.address_throttled"
SIGNATURE_FAILED = "security.signature_failed"
SIGNATURE_REFUSED = "security.signature_refused"
PASSWORD_CHANGE_FAILED = "security.password_change_failed"
FORBIDDEN = "security.forbidden"
CSRF_REJECTED = "security.csrf_rejected"
PASSWORD_CHANGED = "security.password_changed"
PASSWORD_RESET = "security.password_reset"
ROLES_CHANGED = "security.roles_changed"
ROLE_PERMISSIONS_CHANGED = "security.role_permissions_changed"
ACCOUNT_DISABLED = "security.account_disabled"
ACCOUNT_ENABLED = "security.account_enabled"

#: Every security action with its label for the committee's page.
LABELS = {
    LOGIN_FAILED: "Ingreso fallido",
    ACCOUNT_LOCKED: "Cuenta bloqueada temporalmente",
    ADDRESS_THROTTLED: "Dirección de red frenada",
    SIGNATURE_FAILED: "Contraseña de firma incorrecta",
    SIGNATURE_REFUSED: "Firma rechazada por bloqueo",
    PASSWORD_CHANGE_FAILED: "Contraseña actual incorrecta al cambiarla",
    FORBIDDEN: "Acceso denegado (403)",
    CSRF_REJECTED: "Formulario rechazado (CSRF)",
    PASSWORD_CHANGED: "Cambio de la propia contraseña",
    PASSWORD_RESET: "Contraseña restablecida por un administrador",
    ROLES_CHANGED: "Cambio de roles de un usuario",
    ROLE_PERMISSIONS_CHANGED: "Cambio de permisos de un rol",
    ACCOUNT_DISABLED: "Cuenta desactivada",
    ACCOUNT_ENABLED: "Cuenta reactivada",
}

#: The actor of an event caused by someone not signed in.
ANONYMOUS = SimpleNamespace(id=None, username="anónimo")


def refused(actor, action: str, object_type: str, object_id, label: str = "", details: dict | None = None) -> None:
    """Chain a refusal; it stays even when the caller's transaction is rolled back."""
    if action not in LABELS:
        raise ValueError(f"unknown security action {action!r}")
    trail.record_outside(actor or ANONYMOUS, action, object_type, "" if object_id is None else object_id,
                         label, details)
