"""How the trail names entries of the PMG programme, in Spanish."""
from __future__ import annotations

TRAIL_ACTION_LABELS = {
    "pmg.reference_loaded": "Objetivos de referencia PMG cargados para el año",
    "pmg.objective_revised": "Objetivo PMG modificado",
    "pmg.objective_added": "Objetivo PMG agregado al año",
    "pmg.committed": "Compromiso de etapa PMG registrado",
    "pmg.evidence_uploaded": "Medio de verificación PMG cargado",
    "pmg.assessed": "Cláusula del diagnóstico evaluada",
    "pmg.scope_set": "Alcance de la certificación guardado",
    "pmg.plan_line_added": "Proceso agregado al plan trienal",
    "pmg.plan_line_removed": "Proceso quitado del plan trienal",
    "pmg.programme_created": "Programa de trabajo PMG creado",
    "pmg.activity_saved": "Actividad del programa de trabajo guardada",
    "pmg.programme_revised": "Revisión del programa de trabajo aprobado",
    "pmg.programme_approved": "Programa de trabajo PMG aprobado y firmado",
}
