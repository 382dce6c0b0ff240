"""The Spanish names of the notification package's trail actions (entries about a person's
own calendar address and preferences are about their ``user``, seen by administrators)."""
from __future__ import annotations

from qms.trail.wording import register_actions

register_actions({
    "notifications.calendar_issued": "Dirección de calendario generada",
    "notifications.calendar_revoked": "Dirección de calendario revocada",
    "notifications.preferences_changed": "Preferencias de notificación modificadas",
    "notifications.outbox_retried": "Correo fallido puesto nuevamente en cola",
})
