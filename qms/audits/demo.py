"""Demo audits: the year's audit programme, a closed audit with its findings, one in progress, one planned.

``load(users, processes)`` is called by the demo loader after its users, processes and
documents exist (``users`` by username, ``processes`` by code). Everything goes through
the services, with the business clock set to the day each step happened (``clock_at``),
so dates, codes, reports and the trail are those of a real year of work. Dates are
relative to the day the demo is loaded: the closed audit is about five months old, the
one in progress started two days ago, and the planned one is next month.

Impartiality holds: the auditor (``auditora``, Unidad de Auditoría Interna) never audits
a process she owns or one run by her unit (AI).
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from qms.extensions import db
from qms.org.models import IsoClause, Region
from qms.timeutil import on_day, today_local

#: The closed audit (SIAC): checklist questions with clause, result and evidence.
CLOSED_CHECKLIST = (
    ("¿Se registran todas las solicitudes ciudadanas (consultas, reclamos, sugerencias) con su canal de ingreso?",
     "8.2", "conforming", "Revisadas 25 solicitudes de marzo en el sistema SIAC: todas con canal y fecha de ingreso."),
    ("¿Se usan en las oficinas de atención solo las versiones vigentes de los procedimientos?",
     "7.5.3", "nonconforming",
     "En la oficina de partes de la Dirección Regional de Valparaíso hay una copia impresa del procedimiento "
     "Control de Documentos versión 01, obsoleta desde 2025."),
    ("¿Se responden los reclamos dentro del plazo comprometido en la carta de derechos ciudadanos?",
     "9.1.2", "observation",
     "3 de 25 reclamos respondidos entre 1 y 2 días hábiles después del plazo; sin registro de la causa."),
    ("¿Se identifican y controlan las respuestas que no cumplen los requisitos antes de enviarlas?",
     "8.7", "conforming", "Registro de revisión previa de respuestas en 25 de 25 casos."),
)

#: The audit in progress (GT, Biobío): two answered questions and one still open.
OPEN_CHECKLIST = (
    ("¿La información de interés regional se entrega al Gobierno Regional en los plazos del programa de trabajo?",
     "8.5", "nonconforming",
     "El informe del primer semestre se envió al GORE del Biobío 34 días después del plazo, sin justificación "
     "registrada."),
    ("¿Se desagregan por comuna los beneficiarios de los productos estratégicos?",
     "8.5.2", "conforming", "Planilla de beneficiarios 2026 desagregada por comuna y sexo."),
    ("¿Se revisan los indicadores territoriales con la jefatura regional al menos trimestralmente?", "9.1", "", ""),
)




def _clause(number: str):
    return db.session.get(IsoClause, number)


def _regions(*codes):
    return db.session.scalars(sa.select(Region).where(Region.code.in_(codes))).all()


def _documents(*titles):
    """The demo procedures used as criteria (those that exist with a version in force)."""
    from qms.documents import queries as documents

    return documents.documents_titled(titles)


def _criteria(documents, on: date):
    from qms.audits.service import version_in_force

    return [d for d in documents if version_in_force(d, on) is not None]


def _ensure_record_types() -> None:
    from qms.records import service as records

    records.load_default_record_types()


def load(users: dict, processes: dict) -> None:
    """Create the programme and three audits (closed, in progress, planned) through the services."""
    from qms.actions import service as actions
    from qms.audits import service

    _ensure_record_types()
    quality, head, auditor = users["calidad"], users["jefa"], users["auditora"]
    today = today_local()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    closed_day, open_day, planned_day = ago(160), ago(2), today + timedelta(days=25)

    # -- the programme, drafted by the committee and approved by the head of service ------------
    with on_day(ago(300)):
        programme = service.create_programme(
            quality, year=today.year,
            objective=("Verificar que el Sistema de Gestión de la Calidad cumple la norma ISO 9001:2015 y los "
                       "requisitos del Programa Marco de la Calidad en el nivel central y en las direcciones "
                       "regionales de Valparaíso y del Biobío."))
        items = {}
        for code, region, day, notes in (
            ("SIAC", None, closed_day, "Incluye los canales presencial, telefónico y web."),
            ("GT", "VIII", open_day, "Entrega de información regional al Gobierno Regional."),
            ("SUB", "V", planned_day, "Admisibilidad y asignación de la convocatoria 2026."),
            ("CCP", None, None, "Evaluación de proveedores y uso de Mercado Público."),
            ("CAP", None, None, "Plan Anual de Capacitación y evaluación de su aplicación."),
        ):
            if code not in processes:
                continue
            month = day.month if day is not None and day.year == today.year else (11 if code == "CCP" else 12)
            items[code] = service.add_programme_item(
                quality, programme, process=processes[code], region_code=region, planned_month=month,
                audit_type="internal", notes=notes)
    with on_day(ago(290)):
        service.approve_programme(head, programme)

    # -- a closed audit of Atención Ciudadana, with a nonconformity whose action is closed ------------
    siac = processes["SIAC"]
    with on_day(ago(200)):
        closed = service.save_audit(
            quality, None, audit_type="internal",
            title="Auditoría interna al proceso de Atención e Información Ciudadana",
            objective=("Verificar la conformidad del proceso con ISO 9001:2015 y con el procedimiento de atención "
                       "ciudadana."),
            processes=[siac], regions=_regions("RM", "V"),
            clauses=[_clause(n) for n in ("7.5.3", "8.2", "8.7", "9.1.2")],
            lead_auditor=auditor, auditees=[users["funcionario"]], planned_start=closed_day,
            planned_end=closed_day + timedelta(days=1),
            criteria=_criteria(_documents("Control de Documentos", "Control del Producto o Servicio No Conforme"),
                               closed_day),
            programme_item=items.get("SIAC"))
    with on_day(closed_day):
        service.apply_transition(auditor, closed, "start", actual_start=closed_day)
        answered = []
        for question, clause, result, evidence in CLOSED_CHECKLIST:
            item = service.add_checklist_item(auditor, closed, question=question, clause=_clause(clause))
            service.answer_checklist_item(auditor, item, result=result, evidence=evidence)
            answered.append(item)
    with on_day(closed_day + timedelta(days=1)):
        _finding, action = service.record_finding(
            auditor, closed, kind="nc_minor", clause=_clause("7.5.3"), region_code="V",
            requirement=("ISO 9001:2015, 7.5.3.2 d): prevenir el uso no intencionado de información documentada "
                         "obsoleta."),
            description=("Se encontró en uso una copia impresa obsoleta del procedimiento Control de Documentos en "
                         "la oficina de partes de la Dirección Regional de Valparaíso."),
            evidence=answered[1].evidence, checklist_item=answered[1])
        service.record_finding(
            auditor, closed, kind="observation", clause=_clause("9.1.2"),
            requirement="Carta de derechos ciudadanos: respuesta a reclamos en 10 días hábiles.",
            description="Algunos reclamos se responden después del plazo comprometido sin que se registre la causa.",
            evidence=answered[2].evidence, checklist_item=answered[2])
        service.record_finding(
            auditor, closed, kind="opportunity", clause=_clause("8.2"),
            description=("Publicar en el formulario web el plazo de respuesta de los reclamos reduciría las "
                         "consultas por su estado."))
    with on_day(closed_day + timedelta(days=2)):
        service.apply_transition(
            auditor, closed, "report", actual_end=closed_day + timedelta(days=1),
            summary=("Se entrevistó al equipo de atención del nivel central y de Valparaíso y se revisó una muestra "
                     "de 25 solicitudes ciudadanas del primer trimestre."),
            conclusions=("El proceso es conforme con los requisitos auditados, con una no conformidad menor en el "
                         "control de la información documentada, una observación y una oportunidad de mejora."))
    _close_siac_action(users, action, closed_day, actions)
    with on_day(closed_day + timedelta(days=15)):
        service.apply_transition(auditor, closed, "close")

    # -- an audit in progress: Gestión Territorial in the Biobío region --------------------------------
    gt = processes["GT"]
    with on_day(ago(40)):
        ongoing = service.save_audit(
            quality, None, audit_type="internal", title="Auditoría interna a Gestión Territorial, Región del Biobío",
            objective="Verificar la entrega de información regional y la incorporación de la perspectiva territorial.",
            processes=[gt], regions=_regions("VIII"), clauses=[_clause(n) for n in ("8.5", "8.5.2", "9.1")],
            lead_auditor=auditor, auditees=[users["mgonzalez"]], planned_start=open_day,
            planned_end=open_day + timedelta(days=3),
            criteria=_criteria(_documents_of(gt), open_day),
            programme_item=items.get("GT"))
    with on_day(open_day):
        service.apply_transition(auditor, ongoing, "start", actual_start=open_day)
        for question, clause, result, evidence in OPEN_CHECKLIST:
            item = service.add_checklist_item(auditor, ongoing, question=question, clause=_clause(clause))
            if result:
                service.answer_checklist_item(auditor, item, result=result, evidence=evidence)
            if result == "nonconforming":
                service.record_finding(
                    auditor, ongoing, kind="nc_minor", clause=_clause(clause), region_code="VIII",
                    requirement="Programa de trabajo GT 2026: informe semestral al GORE dentro de 30 días.",
                    description="El informe semestral de información regional se entregó fuera del plazo establecido.",
                    evidence=evidence, checklist_item=item)

    # -- a planned audit next month: Subsidios in Valparaíso --------------------------------------------
    if "SUB" in processes:
        with on_day(ago(20)):
            service.save_audit(
                quality, None, audit_type="internal",
                title="Auditoría interna a Asignación de Subsidios, Región de Valparaíso",
                objective="Verificar la revisión de admisibilidad y la asignación de la convocatoria 2026.",
                processes=[processes["SUB"]], regions=_regions("V"),
                clauses=[_clause(n) for n in ("8.1", "8.5", "8.6")],
                lead_auditor=auditor, auditees=[users["funcionario"]], planned_start=planned_day,
                planned_end=planned_day + timedelta(days=1),
                criteria=_criteria(_documents("Revisión de Admisibilidad de Postulaciones"), ago(20)),
                programme_item=items.get("SUB"))
    db.session.flush()


def _documents_of(process):
    from qms.documents import queries as documents

    return documents.documents_of_process(process.id)


def _close_siac_action(users, action, audit_day: date, actions) -> None:
    """The SIAC nonconformity's action: 5 porqués, a two-task plan, verified effective by the auditor."""
    if action is None:
        return
    owner, auditor, regional = action.owner, users["auditora"], users["funcionario"]
    with on_day(audit_day + timedelta(days=8)):
        actions.save_analysis(
            owner, action, method="five_whys",
            whys=[("¿Por qué había una copia obsoleta en la oficina de partes?",
                   "Porque nadie retiró la versión impresa cuando se aprobó la versión 02."),
                  ("¿Por qué nadie la retiró?",
                   "Porque la dirección regional no recibió aviso de la nueva versión."),
                  ("¿Por qué no recibió aviso?",
                   "Porque la lista de distribución del procedimiento no incluía a las direcciones regionales.")],
            root_cause="Las listas de distribución de los procedimientos no incluyen a las direcciones regionales.",
            similar_nonconformities=("Sí: puede ocurrir en la Dirección Regional del Biobío y con otros "
                                     "procedimientos; se revisan todas las listas de distribución."))
        first = actions.add_task(owner, action, description="Retirar y destruir las copias impresas obsoletas en "
                                 "las direcciones regionales", responsible=regional,
                                 due_date=audit_day + timedelta(days=20))
        second = actions.add_task(owner, action, description="Incorporar a las direcciones regionales en las listas "
                                  "de distribución de todos los procedimientos", responsible=owner,
                                  due_date=audit_day + timedelta(days=30))
        actions.plan_verification(owner, action, planned_date=audit_day + timedelta(days=70), verifier=auditor)
        actions.apply_transition(owner, action, "start_implementation")
    with on_day(audit_day + timedelta(days=18)):
        actions.update_task(regional, first, status="done",
                            evidence_note="Acta de retiro de 4 copias impresas firmada por el director regional.")
    with on_day(audit_day + timedelta(days=27)):
        actions.update_task(owner, second, status="done",
                            evidence_note="Listas de distribución actualizadas en el sistema; tomas de conocimiento "
                                          "enviadas.")
        actions.apply_transition(owner, action, "request_verification")
    with on_day(audit_day + timedelta(days=70)):
        actions.apply_transition(
            auditor, action, "verify_effective",
            evidence=("Visita a las oficinas de Valparaíso y Biobío: solo copias vigentes; 100 % de tomas de "
                      "conocimiento de la versión 02."))
