"""The demo audits, actions and nonconforming outputs load through the services on the demo institution."""
import sqlalchemy as sa

from qms.actions.models import Action
from qms.audits.models import Audit, AuditProgramme
from qms.extensions import db
from qms.nonconformities.models import Nonconformity


def _load_everything():
    from qms.auth.models import User
    from qms.demo.loader import load_demo
    from qms.org.models import Process

    load_demo()  # loads the audits, actions and nonconformities demo too
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    processes = {p.code: p for p in db.session.scalars(sa.select(Process))}
    db.session.commit()
    return users, processes


def test_demo_data_loads_through_the_services(app):
    from qms.actions import queries

    users, processes = _load_everything()
    programme = db.session.scalar(sa.select(AuditProgramme))
    assert programme.state == "approved" and programme.approved_by_id == users["jefa"].id
    assert len(programme.items) == 5
    audits = {a.state: a for a in db.session.scalars(sa.select(Audit))}
    assert set(audits) == {"closed", "in_progress", "planned"}
    closed = audits["closed"]
    assert closed.report_sha256 and closed.report_record_id
    assert [f.kind for f in closed.findings] == ["nc_minor", "observation", "opportunity"]
    assert closed.findings[0].action.state == "closed" and closed.criteria
    ongoing = audits["in_progress"]
    assert [i.result for i in ongoing.checklist] == ["nonconforming", "conforming", ""]
    assert ongoing.findings[0].action.state == "open"
    for audit in audits.values():  # impartiality
        for process in audit.processes:
            assert process.owner_id != audit.lead_auditor_id and process.unit_id != audit.lead_auditor.unit_id
    # The actions of the CAPA demo; those raised by the indicators' and the review's demos are theirs.
    states = sorted(a.state for a in db.session.scalars(sa.select(Action)) if not a.source_ref.startswith(("IND-", "RD-")))
    assert states == ["analysis", "closed", "implementing", "open", "open", "verifying"]
    pncs = {p.state: p for p in db.session.scalars(sa.select(Nonconformity))}
    assert set(pncs) == {"closed", "reported"} and pncs["reported"].action_id is not None
    assert pncs["closed"].report_record_id
    overdue = {r.kind for r in queries.followup_rows(queries.FollowupFilters(state="overdue"))}
    assert overdue == {"action", "task", "verification", "pnc"}


def test_demo_pages_render(app, client):
    _load_everything()
    client.post("/ingresar", data={"username": "calidad", "password": "Calidad.2026"})
    year = db.session.scalar(sa.select(AuditProgramme.year))
    pages = ["/auditorias/", "/auditorias/programa", f"/auditorias/programa/{year}",
             "/auditorias/trazabilidad", "/auditorias/trazabilidad/7.5.3", "/acciones/", "/acciones/seguimiento",
             "/acciones/seguimiento.xlsx?state=all", "/pnc/", "/acciones/mis-pendientes"]
    pages += [f"/auditorias/{a.code}" for a in db.session.scalars(sa.select(Audit))]
    pages += [f"/acciones/{a.code}" for a in db.session.scalars(sa.select(Action))]
    pages += [f"/pnc/{p.code}" for p in db.session.scalars(sa.select(Nonconformity))]
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.post("/salir")
    client.post("/ingresar", data={"username": "funcionario", "password": "Funcionario.2026"})
    html = client.get("/acciones/mis-pendientes").get_data(as_text=True)
    assert "Riesgo de respuestas fuera de plazo" in html


def test_closed_actions_are_found_by_default(app):
    """GIVEN the demo's closed corrective action
    WHEN the committee searches its code or words of its problem, without the archive switch
    THEN it is among the results: closed quality records are history, not obsolete."""
    from qms.search import maintenance
    from qms.search.service import SearchRequest, search

    users, _ = _load_everything()
    maintenance.rebuild()
    closed = db.session.scalar(sa.select(Action).where(Action.state == "closed").order_by(Action.id))
    with app.test_request_context():
        by_code = search(users["calidad"], SearchRequest(text=closed.code))
        by_words = search(users["calidad"], SearchRequest(text="copia impresa obsoleta"))
    assert ("action", closed.id) in {(h.kind, h.object_id) for h in by_code.hits}
    assert ("action", closed.id) in {(h.kind, h.object_id) for h in by_words.hits}
