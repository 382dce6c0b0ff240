"""How the trail names entries of management reviews, in Spanish."""
from __future__ import annotations

TRAIL_ACTION_LABELS = {
    "review.planned": "Revisión por la dirección planificada",
    "review.updated": "Revisión por la dirección modificada",
    "review.analysis_saved": "Análisis de las entradas guardado",
    "review.transition": "Cambio de estado de la revisión",
    "review.decision_added": "Decisión de la revisión registrada",
    "review.acta_generated": "Acta de la revisión generada",
    "review.acta_downloaded": "Acta de la revisión descargada",
}
TRANSITION_NAMES = {
    "hold": "Revisión realizada: entradas congeladas",
    "approve": "Acta de la revisión aprobada y firmada",
}
