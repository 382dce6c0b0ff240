"""How the trail names entries of nonconforming outputs (PNC), in Spanish."""
from __future__ import annotations

TRAIL_ACTION_LABELS = {
    "nonconformity.report_downloaded": "Informe del producto no conforme descargado",
    "nonconformity.reported": "PNC informado",
    "nonconformity.transition": "Cambio de estado del PNC",
    "nonconformity.authorisation_signed": "Autorización del tratamiento firmada",
    "nonconformity.report_generated": "Registro del PNC generado",
    "nonconformity.action_linked": "Acción correctiva vinculada",
}
TRANSITION_NAMES = {
    "treat": "Tratamiento registrado",
    "reverify_ok": "Re-verificado conforme: PNC cerrado",
    "reverify_fail": "Re-verificado: sigue no conforme",
    "withdraw": "PNC anulado",
}
