"""Sample URL values for the routes of the PMG programme (access matrix)."""
from datetime import date


def make_samples(users, document):
    from qms.org.models import Process
    from qms.extensions import db
    from qms.pmg import service

    quality = users["quality"]
    service.commit(quality, year=2026, stage=3)
    objective = service.ensure_reference(quality, 2026)[0]
    process = db.session.get(Process, document.process_id)
    line = service.assess(quality, year=2026, process=process, clause_number="7.5", rating="partial",
                          evidence="Listado maestro.", gap="Falta controlar los registros de regiones.")
    plan_line = service.add_plan_line(quality, year=2026, process=process)
    programme = service.open_programme(quality, 2026)
    activity = service.save_activity(quality, programme, title="Revisar el procedimiento", responsible=quality,
                                     starts_on=date(2026, 2, 1), ends_on=date(2026, 3, 31))
    return {"year": 2026, "objective_id": objective.id, "assessment_id": line.id, "line_id": plan_line.id,
            "activity_id": activity.id}
