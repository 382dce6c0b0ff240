"""Demo actions (CAPA) that do not come from an audit: one in each remaining state, one overdue.

``load(users, processes)`` is called by the demo loader (``users`` by username, ``processes``
by code), after ``qms.audits.demo.load`` (whose findings open their own actions). Through
the services, with the business clock at the day each step happened; dates are relative
to the day the demo is loaded:

* an indicator below target (GT) being implemented, with a task overdue;
* an improvement from the management review (CAL) waiting for its verification, overdue;
* a preventive action from SIAC complaints (SIAC) in analysis with an Ishikawa diagram.
"""
from __future__ import annotations

from datetime import date, timedelta

from qms.timeutil import on_day, today_local


def load(users: dict, processes: dict) -> None:
    from qms.actions import service

    quality, auditor = users["calidad"], users["auditora"]
    today = today_local()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    # -- an indicator below target, being implemented; one task is overdue ------------------------
    gt = processes["GT"]
    owner = gt.owner or users["revisor"]
    with on_day(ago(45)):
        indicator = service.create_action(
            quality, kind="corrective", source_kind="indicator", source_ref="Indicador GT-02 (1er semestre)",
            title="Cumplimiento de entrega de información regional bajo la meta",
            problem=("El indicador «Porcentaje de informes regionales entregados a los GORE en plazo» llegó a 72 % en "
                     "el primer semestre; la meta anual es 90 %."),
            correction="Se enviaron los informes pendientes de Biobío y Ñuble y se informó a los GORE del retraso.",
            process=gt, region_code="VIII", owner=owner)
    with on_day(ago(40)):
        service.save_analysis(
            owner, indicator, method="five_whys",
            whys=[("¿Por qué se entregaron informes fuera de plazo?",
                   "Porque las direcciones regionales enviaron sus datos al nivel central con retraso."),
                  ("¿Por qué los enviaron con retraso?",
                   "Porque el plazo interno no estaba calendarizado y dependía de un recordatorio por correo.")],
            root_cause="No existe un calendario interno de cierre de datos regionales con responsables definidos.",
            similar_nonconformities="Podría ocurrir con el reporte trimestral de enfoque de género (EG).")
        done = service.add_task(owner, indicator, responsible=owner, due_date=ago(30),
                                description="Publicar el calendario de cierre de datos regionales 2026")
        service.add_task(owner, indicator, responsible=users.get("mgonzalez", owner), due_date=ago(8),
                         description="Designar y capacitar a un responsable de datos en cada dirección regional")
        service.plan_verification(owner, indicator, planned_date=today + timedelta(days=30), verifier=auditor)
        service.apply_transition(owner, indicator, "start_implementation")
    with on_day(ago(31)):
        service.update_task(owner, done, status="done",
                            evidence_note="Calendario aprobado por resolución exenta y publicado en la intranet.")

    # -- an improvement from the management review, waiting for its (overdue) verification -------------
    cal = processes["CAL"]
    with on_day(ago(100)):
        review = service.create_action(
            quality, kind="improvement", source_kind="review", source_ref="Revisión por la dirección 2025, acuerdo 4",
            title="Tablero de seguimiento de acciones y producto no conforme para el comité",
            problem=("El comité revisa el estado de las acciones en planillas que cada responsable actualiza a mano; "
                     "la información llega incompleta a la revisión por la dirección."),
            process=cal, owner=quality)
        service.save_analysis(
            quality, review, method="five_whys",
            whys=[("¿Por qué la información llega incompleta?",
                   "Porque cada responsable mantiene su propia planilla con formatos distintos.")],
            root_cause="No hay un registro único del seguimiento de acciones y PNC.")
        task = service.add_task(quality, review, description="Habilitar el seguimiento de acciones y PNC en el sistema "
                                "de gestión de la calidad y capacitar a los responsables", responsible=quality,
                                due_date=ago(40))
        service.plan_verification(quality, review, planned_date=ago(4), verifier=auditor)
        service.apply_transition(quality, review, "start_implementation")
    with on_day(ago(42)):
        service.update_task(quality, task, status="done",
                            evidence_note="Seguimiento habilitado; 12 responsables capacitados (lista de asistencia).")
        service.apply_transition(quality, review, "request_verification")

    # -- a preventive action from complaints, in analysis with an Ishikawa diagram ---------------------
    siac = processes["SIAC"]
    staff = users["funcionario"]
    with on_day(ago(10)):
        complaints = service.create_action(
            quality, kind="preventive", source_kind="siac", source_ref="Reclamos SIAC 2026-0412 y 2026-0437",
            title="Riesgo de respuestas fuera de plazo en la Dirección Regional de Valparaíso",
            problem=("Dos reclamos de octubre se respondieron el último día del plazo legal; con la convocatoria de "
                     "subsidios aumentará la demanda de atención."),
            process=siac, region_code="V", owner=staff)
    with on_day(ago(7)):
        service.save_analysis(
            staff, complaints, method="ishikawa",
            causes=[("manpower", "Una sola persona responde los reclamos en la región"),
                    ("method", "No hay alerta de vencimiento de plazos en el sistema SIAC"),
                    ("environment", "Aumento estacional de consultas durante la convocatoria")],
            root_cause="La región no tiene un reemplazo definido ni alertas de vencimiento para responder reclamos.",
            similar_nonconformities="Puede ocurrir en todas las direcciones regionales con una sola persona en SIAC.")
