"""Sample data: what a new template must render before it is accepted, and test fodder."""
from __future__ import annotations

#: The reference layout of a procedure (numbers as printed).
PROCEDURE_SECTIONS = [
    {"key": "objetivo", "number": "1", "title": "Objetivo"},
    {"key": "alcance", "number": "2", "title": "Alcance"},
    {"key": "responsabilidades", "number": "3", "title": "Responsabilidades"},
    {"key": "terminologia", "number": "4", "title": "Terminología"},
    {"key": "referencias", "number": "5", "title": "Referencias"},
    {"key": "descripcion", "number": "6", "title": "Descripción del proceso"},
    {"key": "diagrama", "number": "6.1", "title": "Diagrama de flujo"},
    {"key": "etapas", "number": "6.2", "title": "Descripción de etapas"},
    {"key": "seguimiento", "number": "7", "title": "Seguimiento del proceso"},
    {"key": "resultados", "number": "8", "title": "Resultados esperados"},
    {"key": "registros", "number": "9", "title": "Registros"},
    {"key": "anexos", "number": "10", "title": "Anexos"},
]

SAMPLE_MARKDOWN = {
    "objetivo": "Establecer la forma de **controlar** los documentos del sistema de gestión de la calidad.",
    "alcance": "Aplica a todos los procesos incluidos en el alcance de la *certificación*.",
    "responsabilidades": "- Jefe/a de Servicio: aprueba.\n- Encargado/a de Calidad: mantiene el listado maestro.",
    "terminologia": "| Término | Definición |\n|---|---|\n| PMG | Programa de Mejoramiento de la Gestión |",
    "referencias": "1. Norma ISO 9001:2015, cláusula 7.5.\n2. Manual de la Calidad.",
    "etapas": "## Elaboración\n\nEl autor redacta el borrador.\n\n## Revisión\n\nEl revisor verifica el contenido.",
    "registros": "Listado maestro de documentos.",
}

#: A procedure context with every field filled, in the controlled-document shape of ``context.py``.
SAMPLE_DOCUMENT_CONTEXT = {
    "institution": {"name": "Servicio de Ejemplo", "logo_sha256": None},
    "document": {
        "code": "PR-EJ-01",
        "title": "Procedimiento de ejemplo",
        "type_name": "Procedimiento",
        "type_code": "PR",
        "process": "Proceso de ejemplo",
    },
    "version": {"number": 1, "label": "Versión 01", "effective_date": "01-03-2026", "state": "effective"},
    "approval": {
        "authored": {"name": "Autora Ejemplo", "position": "Profesional", "date": "10-02-2026"},
        "reviewed": {"name": "Revisor Ejemplo", "position": "Encargado de Calidad", "date": "15-02-2026"},
        "approved": {"name": "Jefa Ejemplo", "position": "Jefa de Servicio", "date": "20-02-2026"},
    },
    "changes": [
        {"version": "01", "date": "01-03-2026", "description": "Creación del documento.", "author": "Autora Ejemplo"}
    ],
    "sections": [
        {**item, "level": item["number"].count(".") + 1, "markdown": SAMPLE_MARKDOWN.get(item["key"], "")}
        for item in PROCEDURE_SECTIONS
    ],
    "verification": {"code": "EJEMPLO1", "url": "https://calidad.example.cl/verificar/EJEMPLO1"},
}

_SIGNATURES = [
    {"role": "Auditor(a) líder", "name": "Auditora Ejemplo", "position": "Auditora interna", "date": "12-03-2026"},
    {"role": "Encargado(a) de Calidad", "name": "Revisor Ejemplo", "position": "Encargado de Calidad", "date": "13-03-2026"},
]

#: Report template -> a complete sample context.
SAMPLE_REPORT_CONTEXTS = {
    "informe_auditoria.docx": {
        "institution": {"name": "Servicio de Ejemplo"},
        "report": {"title": "Informe de auditoría interna", "code": "AUD-2026-01", "date": "12-03-2026", "state": "Informada"},
        "audit": {
            "type": "Interna",
            "objective": "Verificar la conformidad del control de documentos.",
            "processes": "Control de documentos",
            "regions": "Metropolitana de Santiago",
            "clauses": "7.5, 9.2",
            "criteria": "PR-EJ-01 Versión 01",
            "lead_auditor": "Auditora Ejemplo",
            "team": "Auditor Ejemplo",
            "auditees": "Jefa Ejemplo",
            "planned_dates": "10-03-2026",
            "actual_dates": "10-03-2026 al 11-03-2026",
        },
        "summary": "Se auditó el proceso según el programa anual.",
        "findings": [
            {"number": "1", "kind": "No conformidad menor", "clause": "7.5.3", "process": "Control de documentos",
             "description": "Copia no controlada en la unidad de partes."}
        ],
        "checklist": [
            {"question": "¿Los documentos vigentes están disponibles?", "clause": "7.5.3", "evidence": "Listado maestro",
             "result": "Conforme"}
        ],
        "conclusions": "El sistema es eficaz, con una no conformidad menor.",
        "signatures": _SIGNATURES,
        "generated_at": "12-03-2026 10:00",
    },
    "accion_correctiva.docx": {
        "institution": {"name": "Servicio de Ejemplo"},
        "report": {"title": "Acción correctiva", "code": "AC-2026-001", "date": "14-03-2026", "state": "En implementación",
                   "draft": "acción en implementación, sin cerrar"},
        "action": {
            "kind": "Correctiva", "source": "Hallazgo AUD-2026-01 N° 1", "process": "Control de documentos",
            "region": "Metropolitana de Santiago", "owner": "Revisor Ejemplo", "opened_at": "14-03-2026",
            "problem": "Copia no controlada en uso.", "correction": "Se retiró la copia.",
            "analysis_method": "5 porqués", "whys": ["No se retiró la copia antigua.", "No había aviso de cambio."],
            "causes": [{"category": "Métodos", "cause": "Sin aviso de nuevas versiones."}],
            "root_cause": "Falta de aviso de nuevas versiones.",
            "tasks": [{"number": "1", "description": "Activar tomas de conocimiento", "responsible": "Revisor Ejemplo",
                       "due_date": "30-04-2026", "status": "Pendiente", "evidence": ""}],
            "verification": {"planned_date": "30-06-2026", "verifier": "Auditora Ejemplo", "date": "", "result": "",
                             "evidence": "", "early": ""},
        },
        "signatures": _SIGNATURES,
        "generated_at": "14-03-2026 10:00",
    },
    "producto_no_conforme.docx": {
        "institution": {"name": "Servicio de Ejemplo"},
        "report": {"title": "Producto no conforme", "code": "PNC-2026-001", "date": "15-03-2026", "state": "Cerrado"},
        "pnc": {
            "detected_at": "15-03-2026", "detected_by": "Funcionaria Ejemplo", "product": "Certificado emitido",
            "process": "Atención ciudadana", "region": "Valparaíso", "description": "Certificado con datos erróneos.",
            "treatment": "Corrección", "disposition": "Se emitió un nuevo certificado.", "action_code": "",
            "closed_at": "16-03-2026", "closure": "Usuario informado.",
        },
        "signatures": _SIGNATURES,
        "generated_at": "16-03-2026 10:00",
    },
    "revision_direccion.docx": {
        "institution": {"name": "Servicio de Ejemplo"},
        "report": {"title": "Acta de revisión por la dirección", "code": "RD-2026-01", "date": "15-12-2026",
                   "state": "Aprobada", "draft": ""},
        "review": {"period": "01-01-2026 al 30-11-2026", "planned_on": "15-12-2026", "held_on": "15-12-2026",
                   "agenda": "1. Entradas de la revisión.\n2. Decisiones.", "compiled_at": "15-12-2026 10:00"},
        "participants": [{"name": "Jefa Ejemplo", "position": "Jefa de Servicio", "attended": "Sí"}],
        "inputs": [{"title": "c.6) Resultados de las auditorías", "facts": ["Auditorías del periodo: 2."],
                    "tables": [{"title": "Hallazgos por tipo", "rows": [["Observación", "3"]]}],
                    "analysis": "El programa se cumplió."}],
        "decisions": [{"number": "D1", "kind": "Oportunidad de mejora", "description": "Digitalizar la OIRS.",
                       "owner": "Encargado Ejemplo", "due_date": "30-06-2027", "action": "AC-2026-010"}],
        "signatures": _SIGNATURES,
        "generated_at": "15-12-2026 10:00",
        "input_count": 13,
    },
    "cumplimiento_pmg.docx": {
        "institution": {"name": "Servicio de Ejemplo"},
        "report": {"title": "Informe de cumplimiento PMG 2026", "code": "PMG-SGC-2026", "date": "15-12-2026",
                   "state": "Etapa 3", "draft": ""},
        "summary": {"year": 2026, "stage": "Etapa 3", "met": 2, "ongoing": 1, "pending": 1, "total": 4},
        "objectives": [{"code": "SGC-2026-E3-12", "title": "Revisión por la dirección", "requirements": "La dirección revisa el sistema.",
                        "state": "Cumplido", "evidence": [{"label": "RD-2026-01 Revisión por la dirección (Aprobada)",
                                                           "code": "RD-2026-01", "url": "https://qms.example/registros/1"}],
                        "missing": ["Nada: el objetivo está cumplido."]}],
        "perspective": [{"process": "SIAC Atención ciudadana", "focus": "enfoque de género", "gaps": "Sin brechas"}],
        "signatures": _SIGNATURES,
        "generated_at": "15-12-2026 10:00",
    },
    "diagnostico_pmg.docx": {
        "institution": {"name": "Servicio de Ejemplo"},
        "report": {"title": "Diagnóstico PMG 2026", "code": "DIAG-2026", "date": "15-03-2026", "state": "Etapa 3",
                   "draft": ""},
        "summary": {"year": 2026, "processes": 1, "lines": 1, "counts": "Cumple parcialmente: 1"},
        "lines": [{"process": "SIAC", "clause": "8.2", "rating": "Cumple parcialmente", "evidence": "Registro de solicitudes.",
                   "gap": "Falta revisar los requisitos antes de responder.", "activity": "3"}],
        "perspective": [{"process": "SIAC Atención ciudadana", "focus": "perspectiva territorial", "gaps": "Sin brechas"}],
        "signatures": _SIGNATURES,
        "generated_at": "15-03-2026 10:00",
    },
}


def long_procedure_context(paragraphs_per_section: int = 3, versions: int = 10) -> dict:
    """Return a procedure of about ten pages (11 in LibreOffice) with ``versions`` change rows.

    Used by the benchmark and the LibreOffice test; the text mixes every Markdown
    construct the renderer supports.
    """
    import copy

    body = "\n\n".join(
        f"Párrafo {n} con **negrita**, *cursiva* y texto corriente sobre la planificación, "
        "la ejecución y el seguimiento del proceso en cada región, incluida la perspectiva "
        "territorial y el enfoque de género cuando corresponde a los productos estratégicos."
        for n in range(1, paragraphs_per_section + 1)
    )
    extras = (
        "\n\n- Primera responsabilidad del equipo.\n- Segunda responsabilidad.\n  - Detalle anidado.\n\n"
        "1. Etapa de diagnóstico.\n2. Etapa de planificación.\n3. Etapa de evaluación.\n\n"
        "| Indicador | Fórmula | Meta |\n|---|---|---|\n| Cobertura | (A/B)*100 | 90% |\n| Oportunidad | días promedio | 10 |"
    )
    context = copy.deepcopy(SAMPLE_DOCUMENT_CONTEXT)
    context["version"].update(number=versions, label=f"Versión {versions:02d}")
    context["changes"] = [
        {"version": f"{n:02d}", "date": f"{n:02d}-01-2026", "description": f"Actualización {n} de etapas y registros.",
         "author": "Autora Ejemplo"}
        for n in range(1, versions + 1)
    ]
    for section in context["sections"]:
        section["markdown"] = "## Primera parte\n\n" + body + extras + "\n\n## Segunda parte\n\n" + body
    return context
