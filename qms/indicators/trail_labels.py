"""How the trail names entries of objectives, indicators and measurements, in Spanish."""
from __future__ import annotations

TRAIL_ACTION_LABELS = {
    "objective.created": "Objetivo de la calidad creado",
    "objective.saved": "Objetivo de la calidad modificado",
    "objective.closed": "Objetivo de la calidad cerrado",
    "indicator.created": "Indicador creado",
    "indicator.saved": "Indicador modificado",
    "indicator.target_set": "Meta del indicador fijada",
    "indicator.bands_set": "Bandas de cumplimiento modificadas",
    "indicator.action_raised": "Acción correctiva abierta desde el indicador",
    "measurement.entered": "Medición ingresada",
    "measurement.changed": "Medición modificada antes de confirmarse",
    "measurement.corrected": "Corrección de una medición confirmada",
    "measurement.confirmed": "Medición confirmada por el comité",
    "measurement.evidence_added": "Medio de verificación adjuntado",
    "measurement.evidence_downloaded": "Medio de verificación descargado",
}
