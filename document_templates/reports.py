"""Report templates: informe de auditoría, acción correctiva/preventiva, producto no conforme, acta de
revisión por la dirección.

Their context is documented by the samples in ``qms/docgen/samples.py``
(``SAMPLE_REPORT_CONTEXTS``); the modules that fill them come with their own issue.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import RGBColor

from common import _clear, field_table, header, heading, layout, loop_table, new_document, tag_paragraph, text_block


def signatures(document, number: str) -> None:
    heading(document, number, "Firmas")
    loop_table(
        document,
        [("Rol", 4.0), ("Nombre", 5.0), ("Cargo", 4.5), ("Fecha", 3.0)],
        "f in signatures",
        ["{{ f.role }}", "{{ f.name }}", "{{ f.position }}", "{{ f.date }}"],
    )


def report_document(type_name: str):
    document = new_document("{{ report.title }}")
    header(
        document,
        type_name,
        "{{ report.title }}",
        ["Código: {{ report.code }}", "Fecha: {{ report.date }}", "Estado: {{ report.state }}"],
    )
    section = document.sections[0]
    section.footer.is_linked_to_previous = False
    _clear(section.footer)
    note = section.footer.add_paragraph()
    layout.put(note, "Registro del sistema de gestión de la calidad · generado el {{ generated_at }}", size=7.5, color=layout.GREY)
    document.add_paragraph("{{ report.title }}", style="Title")
    document.add_paragraph("{{ report.code }}", style="Subtitle")
    # A report of work still open (a CAPA before closure) says so under the title.
    tag_paragraph(document, "{%p if report.draft %}")
    draft = document.add_paragraph()
    draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.put(draft, "BORRADOR — {{ report.draft }}", size=10, bold=True, color=RGBColor(0xC0, 0x00, 0x00))
    tag_paragraph(document, "{%p endif %}")
    return document


def build_audit_report():
    document = report_document("Informe de auditoría")
    heading(document, "1", "Identificación de la auditoría")
    field_table(
        document,
        [
            ("Tipo de auditoría", "{{ audit.type }}"),
            ("Objetivo", "{{ audit.objective }}"),
            ("Procesos auditados", "{{ audit.processes }}"),
            ("Regiones", "{{ audit.regions }}"),
            ("Cláusulas ISO 9001:2015", "{{ audit.clauses }}"),
            ("Criterios (documentos)", "{{ audit.criteria }}"),
            ("Auditor(a) líder", "{{ audit.lead_auditor }}"),
            ("Equipo auditor", "{{ audit.team }}"),
            ("Auditados(as)", "{{ audit.auditees }}"),
            ("Fechas planificadas", "{{ audit.planned_dates }}"),
            ("Fechas de ejecución", "{{ audit.actual_dates }}"),
        ],
    )
    heading(document, "2", "Resumen")
    text_block(document, "{{ summary }}")
    heading(document, "3", "Hallazgos")
    loop_table(
        document,
        [("N°", 1.0), ("Tipo", 2.8), ("Cláusula", 1.8), ("Proceso / región", 3.2), ("Descripción y evidencia", 7.7)],
        "h in findings",
        ["{{ h.number }}", "{{ h.kind }}", "{{ h.clause }}", "{{ h.process }}", "{{ h.description }}"],
    )
    heading(document, "4", "Lista de verificación")
    loop_table(
        document,
        [("Pregunta", 6.3), ("Cláusula", 1.8), ("Evidencia", 6.0), ("Resultado", 2.4)],
        "i in checklist",
        ["{{ i.question }}", "{{ i.clause }}", "{{ i.evidence }}", "{{ i.result }}"],
    )
    heading(document, "5", "Conclusiones")
    text_block(document, "{{ conclusions }}")
    signatures(document, "6")
    return document


def build_capa_report():
    document = report_document("Acción correctiva / preventiva")
    heading(document, "1", "Identificación")
    field_table(
        document,
        [
            ("Tipo de acción", "{{ action.kind }}"),
            ("Origen", "{{ action.source }}"),
            ("Proceso", "{{ action.process }}"),
            ("Región", "{{ action.region }}"),
            ("Responsable", "{{ action.owner }}"),
            ("Fecha de apertura", "{{ action.opened_at }}"),
        ],
    )
    heading(document, "2", "Descripción del problema")
    text_block(document, "{{ action.problem }}")
    heading(document, "3", "Corrección inmediata")
    text_block(document, "{{ action.correction }}")
    heading(document, "4", "Análisis de causa raíz")
    text_block(document, "Método: {{ action.analysis_method }}")
    # Each method its own table, headed by what its rows are: a 5 porqués row is a
    # question and its answer; an Ishikawa row is a cause under its category.
    tag_paragraph(document, "{%p if action.whys %}")
    loop_table(document, [("N°", 1.5), ("¿Por qué? y respuesta", 15.0)], "w in action.whys",
               ["{{ loop.index }}", "{{ w }}"])
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p if action.causes %}")
    loop_table(document, [("Categoría (6M)", 5.0), ("Causa", 11.5)], "c in action.causes",
               ["{{ c.category }}", "{{ c.cause }}"])
    tag_paragraph(document, "{%p endif %}")
    text_block(document, "Causa raíz: {{ action.root_cause }}")
    heading(document, "5", "Plan de acción")
    loop_table(
        document,
        [("N°", 1.0), ("Tarea", 5.5), ("Responsable", 3.2), ("Plazo", 2.2), ("Estado", 2.0), ("Evidencia", 2.6)],
        "t in action.tasks",
        ["{{ t.number }}", "{{ t.description }}", "{{ t.responsible }}", "{{ t.due_date }}", "{{ t.status }}", "{{ t.evidence }}"],
    )
    heading(document, "6", "Verificación de eficacia")
    field_table(
        document,
        [
            ("Fecha planificada", "{{ action.verification.planned_date }}"),
            ("Verificador(a)", "{{ action.verification.verifier }}"),
            ("Fecha de verificación", "{{ action.verification.date }}"),
            ("Verificación anticipada", "{{ action.verification.early }}"),
            ("Resultado", "{{ action.verification.result }}"),
            ("Evidencia", "{{ action.verification.evidence }}"),
        ],
    )
    signatures(document, "7")
    return document


def build_nonconformity_report():
    document = report_document("Producto / servicio no conforme")
    heading(document, "1", "Detección")
    field_table(
        document,
        [
            ("Fecha de detección", "{{ pnc.detected_at }}"),
            ("Detectado por", "{{ pnc.detected_by }}"),
            ("Producto o servicio", "{{ pnc.product }}"),
            ("Proceso", "{{ pnc.process }}"),
            ("Región", "{{ pnc.region }}"),
        ],
    )
    heading(document, "2", "Descripción de la no conformidad")
    text_block(document, "{{ pnc.description }}")
    heading(document, "3", "Tratamiento")
    field_table(
        document,
        [
            ("Tratamiento", "{{ pnc.treatment }}"),
            ("Disposición", "{{ pnc.disposition }}"),
            ("Acción correctiva asociada", "{{ pnc.action_code }}"),
        ],
    )
    heading(document, "4", "Cierre")
    field_table(document, [("Fecha de cierre", "{{ pnc.closed_at }}"), ("Observaciones", "{{ pnc.closure }}")])
    signatures(document, "5")
    return document


def build_review_minutes():
    """The acta of a management review: meeting, attendance, every input with its analysis, decisions."""
    document = report_document("Revisión por la dirección")
    heading(document, "1", "Reunión")
    field_table(
        document,
        [
            ("Periodo revisado", "{{ review.period }}"),
            ("Fecha planificada", "{{ review.planned_on }}"),
            ("Fecha de realización", "{{ review.held_on }}"),
            ("Entradas compiladas el", "{{ review.compiled_at }}"),
        ],
    )
    heading(document, "2", "Participantes")
    loop_table(document, [("Nombre", 6.5), ("Cargo", 7.0), ("Asistió", 3.0)], "p in participants",
               ["{{ p.name }}", "{{ p.position }}", "{{ p.attended }}"])
    heading(document, "3", "Tabla")
    text_block(document, "{{ review.agenda }}")
    heading(document, "4", "Entradas de la revisión (ISO 9001:2015, 9.3.2, y PMG)")
    tag_paragraph(document, "{%p for s in inputs %}")
    document.add_paragraph("{{ s.title }}", style="Heading 2")
    tag_paragraph(document, "{%p for f in s.facts %}")
    document.add_paragraph("• {{ f }}")
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p for t in s.tables %}")
    caption = document.add_paragraph()
    layout.put(caption, "{{ t.title }}", bold=True)
    loop_table(document, [("Concepto", 10.5), ("Valor", 6.0)], "r in t.rows", ["{{ r[0] }}", "{{ r[1] }}"])
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p if s.chart_image %}")
    document.add_paragraph("{{ s.chart_image }}")
    tag_paragraph(document, "{%p endif %}")
    # Each indicator's trend against its target line, as its page draws it (input c5).
    tag_paragraph(document, "{%p for c in s.trends %}")
    trend_caption = document.add_paragraph()
    layout.put(trend_caption, "{{ c.title }}", bold=True)
    trend_caption.paragraph_format.keep_with_next = True  # the title stays on the chart's page
    document.add_paragraph("{{ c.chart_image }}")
    tag_paragraph(document, "{%p endfor %}")
    label = document.add_paragraph()
    layout.put(label, "Análisis del comité", bold=True)
    text_block(document, "{{ s.analysis }}")
    tag_paragraph(document, "{%p endfor %}")
    heading(document, "5", "Decisiones y acciones (9.3.3)")
    loop_table(
        document,
        [("N°", 1.2), ("Tipo", 3.3), ("Decisión", 6.0), ("Responsable", 3.0), ("Plazo", 2.0), ("Acción", 2.0)],
        "d in decisions",
        ["{{ d.number }}", "{{ d.kind }}", "{{ d.description }}", "{{ d.owner }}", "{{ d.due_date }}",
         "{{ d.action }}"],
    )
    signatures(document, "6")
    return document


def build_pmg_compliance_report():
    """The «Informe de cumplimiento PMG»: the year's stage, each objective with its medios de
    verificación (code and verification address) and what is missing, and the perspective gaps."""
    document = report_document("Informe de cumplimiento PMG")
    heading(document, "1", "Compromiso del año")
    field_table(
        document,
        [
            ("Año", "{{ summary.year }}"),
            ("Etapa comprometida", "{{ summary.stage }}"),
            ("Objetivos", "{{ summary.total }}: {{ summary.met }} cumplidos, {{ summary.ongoing }} en curso, "
                          "{{ summary.pending }} pendientes"),
        ],
    )
    heading(document, "2", "Objetivos y medios de verificación")
    tag_paragraph(document, "{%p for o in objectives %}")
    document.add_paragraph("{{ o.code }} {{ o.title }} — {{ o.state }}", style="Heading 2")
    text_block(document, "{{ o.requirements }}")
    loop_table(document, [("Medio de verificación", 6.5), ("Código", 3.0), ("Dirección de verificación", 7.0)],
               "e in o.evidence", ["{{ e.label }}", "{{ e.code }}", "{{ e.url }}"])
    label = document.add_paragraph()
    layout.put(label, "Falta", bold=True)
    tag_paragraph(document, "{%p for m in o.missing %}")
    document.add_paragraph("• {{ m }}")
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p endfor %}")
    heading(document, "3", "Enfoque de género y perspectiva territorial")
    loop_table(document, [("Proceso", 5.0), ("Atributo", 4.0), ("Brechas", 7.5)], "g in perspective",
               ["{{ g.process }}", "{{ g.focus }}", "{{ g.gaps }}"])
    signatures(document, "4")
    return document


def build_pmg_diagnosis_report():
    """The PMG diagnosis: each process against the ISO 9001:2015 clauses, with evidence and gap,
    and the gender and territorial attributes of the strategic products."""
    document = report_document("Diagnóstico del sistema de gestión de la calidad")
    heading(document, "1", "Resumen")
    field_table(
        document,
        [
            ("Año", "{{ summary.year }}"),
            ("Procesos evaluados", "{{ summary.processes }}"),
            ("Cláusulas evaluadas", "{{ summary.lines }}: {{ summary.counts }}"),
        ],
    )
    heading(document, "2", "Evaluación por proceso y cláusula (ISO 9001:2015)")
    loop_table(document, [("Proceso", 2.2), ("Cláusula", 2.0), ("Evaluación", 2.8), ("Evidencia", 4.5),
                          ("Brecha", 4.5), ("Actividad", 1.5)], "l in lines",
               ["{{ l.process }}", "{{ l.clause }}", "{{ l.rating }}", "{{ l.evidence }}", "{{ l.gap }}",
                "{{ l.activity }}"])
    heading(document, "3", "Atributos de los productos estratégicos")
    loop_table(document, [("Proceso", 5.0), ("Atributo", 4.0), ("Brechas", 7.5)], "g in perspective",
               ["{{ g.process }}", "{{ g.focus }}", "{{ g.gaps }}"])
    signatures(document, "4")
    return document


REPORT_TEMPLATES = {
    "informe_auditoria.docx": build_audit_report,
    "accion_correctiva.docx": build_capa_report,
    "producto_no_conforme.docx": build_nonconformity_report,
    "revision_direccion.docx": build_review_minutes,
    "cumplimiento_pmg.docx": build_pmg_compliance_report,
    "diagnostico_pmg.docx": build_pmg_diagnosis_report,
}
