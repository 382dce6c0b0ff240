"""The standard record types of a PMG quality system (the default retention table).

``load_default_record_types`` is called by ``qms init`` (through the reference-data
loader) and by the demo; it adds the missing types and never changes one an
administrator may have edited.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.extensions import db
from qms.records.models import RecordType

_QUALITY = "Encargado(a) de Calidad"
_SYSTEM = "Sistema QMS (almacén de archivos)"

#: code, name, keeper, years, months, disposition, description
DEFAULT_RECORD_TYPES: tuple[dict, ...] = (
    {"code": "INF-DIAG", "name": "Informe de diagnóstico del sistema de gestión de la calidad",
     "keeper": _QUALITY, "retention_years": 6, "disposition": "archive",
     "description": "Diagnóstico inicial o de brechas respecto de la norma ISO 9001 (etapa de diagnóstico PMG)."},
    {"code": "PLAN-TRI", "name": "Plan trienal del sistema de gestión de la calidad",
     "keeper": _QUALITY, "retention_years": 6, "disposition": "archive",
     "description": "Plan trienal comprometido en el Programa Marco de la Calidad."},
    {"code": "PROG-TRAB", "name": "Programa de trabajo anual",
     "keeper": _QUALITY, "retention_years": 5, "disposition": "archive",
     "description": "Programa de trabajo anual del sistema y su seguimiento."},
    {"code": "INF-AUD", "name": "Informe de auditoría interna",
     "keeper": "Auditor(a) líder / Encargado(a) de Calidad", "retention_years": 5, "disposition": "destroy",
     "description": "Informe final de cada auditoría interna o externa, con hallazgos y conclusiones."},
    {"code": "PROG-AUD", "name": "Programa anual de auditorías internas",
     "keeper": _QUALITY, "retention_years": 5, "disposition": "destroy",
     "description": "Programa de auditorías del año, con su alcance y equipo auditor."},
    {"code": "INF-AC", "name": "Informe de acción correctiva / preventiva",
     "keeper": "Responsable del proceso", "retention_years": 5, "disposition": "destroy",
     "description": "Análisis de causa, plan de acción y verificación de eficacia."},
    {"code": "REG-PNC", "name": "Registro de producto / servicio no conforme",
     "keeper": "Responsable del proceso", "retention_years": 3, "disposition": "destroy",
     "description": "Detección, tratamiento y cierre de cada salida no conforme."},
    {"code": "ACTA-RD", "name": "Acta de revisión por la dirección",
     "keeper": "Jefe(a) de Servicio / Encargado(a) de Calidad", "retention_years": 10, "disposition": "permanent",
     "description": "Entradas, decisiones y acciones de la revisión por la dirección."},
    {"code": "LIST-CAP", "name": "Lista de asistencia a capacitación",
     "keeper": "Unidad de Gestión y Desarrollo de Personas", "retention_years": 3, "disposition": "destroy",
     "description": "Asistencia a capacitaciones y sensibilizaciones del sistema de gestión."},
    {"code": "EVAL-COMP", "name": "Evaluación de competencias del personal",
     "keeper": "Unidad de Gestión y Desarrollo de Personas", "retention_years": 5, "disposition": "destroy",
     "description": "Evidencia de competencia (ISO 9001 7.2)."},
    {"code": "ENC-SAT", "name": "Resultado de encuesta de satisfacción de usuarios",
     "keeper": "Encargado(a) SIAC", "retention_years": 3, "disposition": "destroy",
     "description": "Medición de satisfacción de usuarios y usuarias."},
    {"code": "EVAL-PROV", "name": "Evaluación de proveedores",
     "keeper": "Unidad de Abastecimiento", "retention_years": 3, "disposition": "destroy",
     "description": "Evaluación y reevaluación de proveedores externos (ISO 9001 8.4)."},
    {"code": "REG-IND", "name": "Medición de indicadores de desempeño de procesos",
     "keeper": "Responsable del proceso", "retention_years": 3, "retention_months": 6, "disposition": "destroy",
     "description": "Fichas y mediciones periódicas de los indicadores de cada proceso."},
    {"code": "MV-PMG", "name": "Medio de verificación PMG",
     "keeper": _QUALITY, "retention_years": 6, "disposition": "archive",
     "description": "Evidencia de un objetivo del Programa Marco de la Calidad que el sistema no produce."},
    {"code": "CERT-ISO", "name": "Certificado ISO 9001 del organismo certificador",
     "keeper": _QUALITY, "retention_years": 0, "disposition": "permanent",
     "description": "Certificado de certificación, ampliación de alcance o mantención del sistema."},
    {"code": "CERT-DISP", "name": "Certificado de disposición de registros",
     "keeper": _QUALITY, "retention_years": 0, "disposition": "permanent",
     "description": "Constancia de los registros eliminados o trasladados a archivo histórico."},
)


def load_default_record_types() -> int:
    """Add the standard record types that are missing; return how many were added."""
    existing = set(db.session.scalars(sa.select(RecordType.code)))
    added = 0
    for spec in DEFAULT_RECORD_TYPES:
        if spec["code"] in existing:
            continue
        db.session.add(RecordType(
            code=spec["code"], name=spec["name"], description=spec.get("description", ""), keeper=spec["keeper"],
            location=spec.get("location", _SYSTEM), retention_years=spec.get("retention_years", 0),
            retention_months=spec.get("retention_months", 0), disposition=spec["disposition"]))
        added += 1
    db.session.flush()
    return added
