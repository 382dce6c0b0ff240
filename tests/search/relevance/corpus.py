"""The relevance corpus: a small institution's documents, audits and records, made
through the services, each under a key the judgments name (``judgments.yaml``)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from qms.extensions import db

#: key -> (process code, title, sections). Created in this order, so the codes are fixed:
#: PR-GT-01 … PR-GT-05, then PR-SGC-01 … PR-SGC-03 (all effective), then the draft PR-GP-01.
DOCUMENTS = {
    "gt_auditoria": ("GT", "Procedimiento de auditorías internas", {
        "objetivo": "Planificar y ejecutar la auditoría interna del Servicio y registrar sus hallazgos.",
        "alcance": "Todos los procesos del sistema, en el nivel central y en las regiones.",
        "descripcion": "El equipo auditor revisa la evidencia y elabora el informe con la evaluación del proceso.",
    }),
    "gt_capacitacion": ("GT", "Plan anual de capacitación", {
        "objetivo": "Formular y ejecutar el plan anual de capacitación de funcionarios y funcionarias.",
        "alcance": "Cursos internos y externos del año.",
        "descripcion": "Se detectan necesidades, se priorizan y se mide la eficacia de cada curso.",
    }),
    "gt_reclamos": ("GT", "Gestión de reclamos ciudadanos", {
        "objetivo": "Responder los reclamos que recibe la Oficina de Informaciones, Reclamos y Sugerencias.",
        "alcance": "Sistema Integral de Información y Atención Ciudadana en todas las regiones.",
        "descripcion": "Cada reclamo se registra, se deriva a la unidad que corresponde y se contesta en plazo.",
    }),
    "gt_comite": ("GT", "Funcionamiento del Comité Paritario de Higiene y Seguridad", {
        "objetivo": "Organizar las sesiones del comité paritario de higiene y seguridad y sus inspecciones.",
        "alcance": "Dependencias del nivel central.",
        "descripcion": "El comité investiga los accidentes del trabajo y propone medidas de prevención.",
    }),
    "gt_induccion": ("GT", "Programa de inducción", {
        "objetivo": "Recibir a quien ingresa al Servicio: la nueva funcionaria conoce su puesto y su jefatura.",
        "alcance": "El plan de trabajo de la primera semana es anual y se revisa; incluye una capacitación breve.",
        "descripcion": "La jefatura presenta el equipo y entrega el material de bienvenida.",
    }),
    "sgc_control": ("SGC", "Control de documentos", {
        "objetivo": "Controlar los documentos del sistema de gestión de la calidad.",
        "alcance": "Cada documento interno y externo, y sus copias impresas.",
        "descripcion": "Elaborar, revisar y aprobar; luego distribuir y retirar lo obsoleto. "
                       "Los registros del control de documentos se conservan según su tabla.",
    }),
    "sgc_revision": ("SGC", "Revisión por la dirección", {
        "objetivo": "Revisar cada año el desempeño del sistema y decidir mejoras.",
        "alcance": "Resultados de indicadores, auditorías y satisfacción usuaria.",
        "descripcion": "La dirección analiza las entradas y deja acta de sus decisiones.",
    }),
    "sgc_pnc": ("SGC", "Control del producto no conforme", {
        "objetivo": "Identificar el producto no conforme y evitar su entrega.",
        "alcance": "Certificados, resoluciones y respuestas emitidas.",
        "descripcion": "Se corrige, se informa al usuario o se suspende la entrega, y se deja registro.",
    }),
}

#: key -> (process code, title, sections) of drafts: only those who read drafts find them.
DRAFTS = {
    "borrador": ("GP", "Reestructuración del departamento", {
        "objetivo": "Propuesta confidencial de una nueva estructura de las unidades.",
    }),
}

#: key -> (title, objective, planned start): codes AUD-2026-01 and AUD-2026-02.
AUDITS = {
    "aud_capacitacion": ("Auditoría del proceso de capacitación", "Verificar el plan de cursos del año.",
                         date(2026, 3, 2)),
    "aud_reclamos": ("Auditoría de seguimiento de la atención ciudadana", "Verificar los plazos de respuesta.",
                     date(2026, 4, 6)),
}


def _process(code: str, name: str, existing):
    from qms.org.models import Process

    if existing.code == code:
        return existing
    found = db.session.scalar(sa.select(Process).where(Process.code == code))
    if found is None:
        found = Process(code=code, name=name, kind="strategic")
        db.session.add(found)
        db.session.commit()
    return found


def build(users, process, make_doc_in) -> dict[str, str]:
    """Create the corpus; return key -> search uid ("document:12")."""
    from qms.audits import service as audits
    from qms.org.models import IsoClause

    uids = {}
    sgc = _process("SGC", "Sistema de Gestión de la Calidad", process)
    for key, (proc_code, title, sections) in DOCUMENTS.items():
        owner = process if proc_code == process.code else sgc
        document = make_doc_in(owner, title, sections)
        uids[key] = f"document:{document.versions[0].id}"
    for key, (proc_code, title, sections) in DRAFTS.items():
        owner = _process(proc_code, "Gestión de las Personas", process)
        document = make_doc_in(owner, title, sections, state="draft")
        uids[key] = f"document:{document.versions[0].id}"
    clause = db.session.get(IsoClause, "9.2")
    for key, (title, objective, start) in AUDITS.items():
        audit = audits.save_audit(
            users["quality"], None, audit_type="internal", title=title, objective=objective, processes=[process],
            regions=[], clauses=[clause], lead_auditor=users["auditor"], auditees=[users["staff"]],
            planned_start=start, planned_end=start, criteria=[])
        db.session.commit()
        uids[key] = f"audit:{audit.id}"
    return uids
