"""How the trail names audit, programme and finding entries, in Spanish."""
from __future__ import annotations

TRAIL_ACTION_LABELS = {
    "finding.attachment_downloaded": "Anexo del hallazgo descargado",
    "audit.report_downloaded": "Informe de auditoría descargado",
    "programme.created": "Programa de auditorías creado",
    "programme.item_added": "Auditoría agregada al programa",
    "programme.item_removed": "Auditoría quitada del programa",
    "programme.approved": "Programa de auditorías aprobado",
    "audit.created": "Auditoría planificada",
    "audit.edited": "Planificación de la auditoría modificada",
    "audit.transition": "Cambio de estado de la auditoría",
    "audit.report_generated": "Informe de auditoría generado y registrado",
    "audit.checklist_added": "Pregunta agregada a la lista de verificación",
    "audit.checklist_answered": "Pregunta de la lista de verificación respondida",
    "audit.checklist_copied": "Lista de verificación copiada de otra auditoría",
    "finding.created": "Hallazgo registrado",
    "finding.attachment_added": "Anexo agregado al hallazgo",
    "finding.action_raised": "Acción correctiva abierta para el hallazgo",
}
#: Names of the audit steps as facts that happened (the buttons say what to do).
TRANSITION_NAMES = {"start": "Auditoría iniciada", "report": "Informe de auditoría emitido",
                    "close": "Auditoría cerrada"}
