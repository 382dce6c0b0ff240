"""Demo records: a believable register for the demo institution.

``load_demo_records()`` is meant to be called by the demo loader (``qms demo``) after
its users, processes and documents exist. It seeds the default retention table, marks
competence evaluations confidential, and registers records through the service (so the
trail is real) — some old enough for the disposition list to have work in it.
"""
from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from qms.auth.models import Role, User
from qms.extensions import db
from qms.org.models import Process
from qms.records import service
from qms.records.defaults import load_default_record_types
from qms.records.models import Record

#: type code, title, date, process, region, producing document code prefix (optional)
DEMO_RECORDS = (
    ("INF-DIAG", "Informe de diagnóstico del sistema de gestión de la calidad", "2019-11-28", "CAL", None),
    ("PLAN-TRI", "Plan trienal del sistema de gestión de la calidad 2024-2026", "2023-12-15", "CAL", None),
    ("PROG-TRAB", "Programa de trabajo anual 2025", "2025-01-20", "CAL", None),
    ("PROG-AUD", "Programa anual de auditorías internas 2025", "2025-02-10", "AI", None),
    ("INF-AUD", "Informe de auditoría interna al proceso de Asignación de Subsidios 2019", "2019-09-12", "SUB", "V"),
    ("INF-AUD", "Informe de auditoría interna al proceso de Atención Ciudadana 2025", "2025-06-18", "SIAC", None),
    ("INF-AC", "Informe de acción correctiva: demoras en la notificación de resultados", "2020-03-04", "SUB", "VIII"),
    ("REG-PNC", "Registro de servicio no conforme: certificado emitido con RUT erróneo", "2021-05-07", "SIAC", "RM"),
    ("REG-PNC", "Registro de servicio no conforme: resolución de subsidio sin firma", "2025-04-22", "SUB", "V"),
    ("ACTA-RD", "Acta de revisión por la dirección 2024", "2024-12-19", "CAL", None),
    ("LIST-CAP", "Lista de asistencia: sensibilización ISO 9001 para direcciones regionales", "2021-08-26", "CAP", "VIII"),
    ("LIST-CAP", "Lista de asistencia: formación de auditores internos", "2025-05-14", "CAP", None),
    ("EVAL-COMP", "Evaluación de competencias del equipo auditor 2025", "2025-07-01", "CAP", None),
    ("ENC-SAT", "Resultados de la encuesta de satisfacción de usuarios 2022", "2022-12-20", "SIAC", None),
)


def _docx(title: str, lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _filename(code: str, title: str) -> str:
    words = "".join(ch if ch.isalnum() else "_" for ch in title.lower())[:50].strip("_")
    return f"{code.lower()}_{words}.docx"


def load_demo_records() -> int:
    """Register the demo records once; return how many were created."""
    load_default_record_types()
    if db.session.scalar(sa.select(Record.id).limit(1)) is not None:
        return 0
    quality = db.session.scalar(sa.select(User).where(User.username == "calidad"))
    if quality is None:
        return 0
    competence = service.get_type_by_code("EVAL-COMP")
    if competence is not None and not competence.is_confidential:
        roles = db.session.scalars(sa.select(Role).where(Role.name.in_(["quality", "approver"]))).all()
        service.save_record_type(quality, competence, allowed_roles=roles, **{
            **{name: getattr(competence, name) for name in service._TYPE_FIELDS}, "is_confidential": True})
    processes = {p.code: p for p in db.session.scalars(sa.select(Process))}
    created = 0
    for type_code, title, day, process_code, region in DEMO_RECORDS:
        record_date = date.fromisoformat(day)
        data = _docx(title, [f"Fecha: {record_date:%d-%m-%Y}", f"Proceso: {process_code}",
                             "Documento de demostración: institución y datos ficticios."])
        record_type = service.get_type_by_code(type_code)
        service.create_record(quality, record_type=record_type, title=title, record_date=record_date,
                              process=processes.get(process_code), region_code=region,
                              description=f"{record_type.name} de la institución de demostración.",
                              data=data, filename=_filename(type_code, title))
        created += 1
    return created
