"""Demo nonconforming outputs: one closed after its correction, one overdue linked to an action.

``load(users, processes)`` is called by the demo loader (``users`` by username, ``processes``
by code). Through the services, with the business clock at the day each step happened;
dates are relative to the day the demo is loaded.
"""
from __future__ import annotations

from datetime import date, timedelta

from qms.timeutil import on_day, today_local


def load(users: dict, processes: dict) -> None:
    from qms.nonconformities import service

    quality, head, staff = users["calidad"], users["jefa"], users["funcionario"]
    today = today_local()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    # -- a resolution issued with a wrong amount: corrected, re-verified and closed ---------------------
    sub = processes.get("SUB") or processes["CAL"]
    with on_day(ago(40)):
        resolution = service.report(
            staff, output_kind="product", product="Resolución de asignación de subsidio",
            process=sub, region_code="V",
            description=("La resolución exenta de asignación de la convocatoria regional indica un monto de "
                         "$3.500.000 para un proyecto adjudicado por $2.500.000."),
            detected_on=ago(40))
    with on_day(ago(38)):
        service.treat(quality, resolution, treatment="correction",
                      disposition="Se dejó sin efecto la resolución y se dictó una nueva con el monto correcto.",
                      authorised_by=head, treated_on=ago(38))
    with on_day(ago(35)):
        service.reverify(quality, resolution, conforming=True,
                         notes="La nueva resolución coincide con el acta de adjudicación; notificada al beneficiario.",
                         on=ago(35), closure_notes="Se informó al beneficiario por carta certificada.")

    # -- a late answer to a complaint: untreated past its deadline, with a systemic cause -----------------
    siac = processes["SIAC"]
    with on_day(ago(16)):
        late = service.report(
            staff, output_kind="service", product="Respuesta a reclamo ciudadano",
            process=siac, region_code="V",
            description=("La respuesta al reclamo SIAC 2026-0458 se envió 4 días hábiles después del plazo legal, "
                         "sin aviso previo a la persona."),
            detected_on=ago(16))
    with on_day(ago(12)):
        service.link_action(quality, late, siac.owner or quality)
