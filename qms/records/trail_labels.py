"""How the trail names record, record type and disposition entries, in Spanish."""
from __future__ import annotations

TRAIL_ACTION_LABELS = {
    "record.created": "Registro creado",
    "record.updated": "Registro modificado",
    "record.file_added": "Archivo agregado al registro",
    "record.file_downloaded": "Archivo del registro descargado",
    "record.file_corrupt": "Archivo del registro alterado (descarga rechazada)",
    "record.linked": "Vínculo agregado al registro",
    "record.legal_hold": "Retención legal aplicada al registro",
    "record.legal_hold_lifted": "Retención legal del registro levantada",
    "record.retention_recomputed": "Plazo de conservación recalculado",
    "record.archived": "Registro trasladado a archivo histórico",
    "record.disposed": "Registro eliminado por disposición",
    "record_type.created": "Tipo de registro creado",
    "record_type.updated": "Tipo de registro modificado",
    "record_type.legal_hold": "Retención legal aplicada al tipo de registro",
    "record_type.legal_hold_lifted": "Retención legal del tipo de registro levantada",
    "disposition.proposed": "Disposición propuesta",
    "disposition.approved": "Disposición aprobada y ejecutada (firmada)",
    "disposition.rejected": "Disposición rechazada",
}
