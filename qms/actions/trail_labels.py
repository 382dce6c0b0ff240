"""How the trail names CAPA entries, in Spanish."""
from __future__ import annotations

TRAIL_ACTION_LABELS = {
    "action.evidence_downloaded": "Evidencia de una tarea descargada",
    "action.report_downloaded": "Informe de la acción descargado",
    "action.created": "Acción abierta",
    "action.edited": "Identificación de la acción modificada",
    "action.analysis_saved": "Análisis de causa raíz guardado",
    "action.task_added": "Tarea agregada al plan",
    "action.task_updated": "Tarea del plan actualizada",
    "action.task_removed": "Tarea quitada del plan",
    "action.evidence_added": "Evidencia adjuntada a una tarea",
    "action.verification_planned": "Verificación de eficacia planificada",
    "action.verified": "Eficacia verificada",
    "action.transition": "Cambio de estado de la acción",
    "action.report_generated": "Informe de la acción generado y registrado",
    "action.amended": "Enmienda de la acción cerrada",
    "action.withdrawn": "Acción anulada",
}
TRANSITION_NAMES = {
    "start_analysis": "Análisis iniciado",
    "start_implementation": "Plan aprobado: en implementación",
    "request_verification": "Plan cumplido: en verificación",
    "verify_effective": "Verificada eficaz: acción cerrada",
    "verify_not_effective": "Verificada no eficaz: vuelve al análisis",
}
