"""Sample URL values for the routes of indicators and objectives (access matrix)."""
from datetime import date

from qms.extensions import db
from qms.timeutil import on_day


def make_samples(users, document):
    from qms.indicators import service

    process = document.process
    objective = service.save_objective(users["quality"], None, year=2026, statement="Responder a tiempo",
                                       owner=users["quality"], process=process)
    indicator = service.save_indicator(users["quality"], None, name="Respuestas en plazo", process=process,
                                       responsible=users["staff"], numerator_definition="En plazo",
                                       denominator_definition="Recibidas", objective=objective)
    service.set_target(users["quality"], indicator, year=2026, target="90")
    with on_day(date(2026, 10, 15)):
        measurement = service.enter(users["staff"], indicator, year=2026, period=1, numerator="40",
                                    denominator="50")
    evidence = service.add_evidence(users["staff"], measurement, b"%PDF-1.4 planilla", "planilla.pdf")
    db.session.flush()
    return {"indicator_code": indicator.code, "objective_code": objective.code, "measurement_id": measurement.id,
            "measurement_evidence_id": evidence.id}
