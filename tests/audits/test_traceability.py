"""Traceability from an ISO clause and from a finding; the audit programme's approval through the pages."""
from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.actions import service as actions
from qms.audits import queries, service
from qms.audits.models import AuditProgramme
from qms.extensions import db
from qms.trail.models import AuditEntry
from tests.audits.factories import NOON, clause, nonconformity, own_process, second_auditor


@pytest.fixture
def traced(app, users, process, make_document):
    """A procedure used as criterion for 7.5.3, an audit with a checklist question and a nonconformity
    on 7.5.3, and its action analysed, implemented and verified effective by another auditor."""
    with freeze_time(NOON):
        own_process(process, users)
        document = make_document(title="Control de documentos", state="effective")
        audit = service.save_audit(
            users["quality"], None, audit_type="internal", title="Auditoría de control documental",
            processes=[process], clauses=[clause()], lead_auditor=users["auditor"], auditees=[users["staff"]],
            planned_start=date(2026, 3, 10), planned_end=date(2026, 3, 10), criteria=[document])
        service.apply_transition(users["auditor"], audit, "start")
        item = service.add_checklist_item(users["auditor"], audit, question="¿Se controlan las copias impresas?",
                                          clause=clause(), criterion_document=document)
        service.answer_checklist_item(users["auditor"], item, result="nonconforming", evidence="Copia v01 en partes")
        db.session.commit()
        finding, action = nonconformity(users, audit)
        verifier = second_auditor(users)
        owner = users["staff"]
        actions.save_analysis(owner, action, method="five_whys", whys=[("¿Por qué?", "No se retiró la copia.")],
                              root_cause="Falta de retiro de copias obsoletas.")
        task = actions.add_task(owner, action, description="Retirar copias obsoletas", responsible=owner,
                                due_date=date(2026, 3, 20))
        actions.plan_verification(owner, action, planned_date=date(2026, 3, 25), verifier=verifier)
        actions.apply_transition(owner, action, "start_implementation")
        actions.update_task(owner, task, status="done", evidence_note="Acta de retiro.")
        actions.apply_transition(owner, action, "request_verification")
        actions.apply_transition(verifier, action, "verify_effective", evidence="Solo copias vigentes en partes.",
                                 early_reason="Visita adelantada a la oficina de partes.")
        db.session.commit()
    return {"document": document, "audit": audit, "finding": finding, "action": action}


def test_clause_trace_query(traced):
    trace = queries.clause_trace("7.5.3")
    assert [d.code for d in trace["documents"]] == [traced["document"].code]
    assert [a.code for a in trace["audits"]] == [traced["audit"].code]
    assert [i.question for i in trace["items"]] == ["¿Se controlan las copias impresas?"]
    assert [f.label for f in trace["findings"]] == [traced["finding"].label]
    assert queries.clause_trace("9.3") == {"audits": [], "items": [], "findings": [], "documents": []}


def test_trace_page_from_a_clause(traced, client, login):
    login("quality")
    html = client.get("/auditorias/trazabilidad/7.5.3").get_data(as_text=True)
    assert traced["document"].code in html and "Control de documentos" in html
    assert traced["audit"].code in html and "Auditoría de control documental" in html
    assert "¿Se controlan las copias impresas?" in html and "No conforme" in html
    assert traced["finding"].label in html and "No conformidad menor" in html
    assert traced["action"].code in html and "Cerrada" in html and "Eficaz (10-03-2026)" in html
    index = client.get("/auditorias/trazabilidad").get_data(as_text=True)
    assert "/auditorias/trazabilidad/7.5.3" in index
    assert client.get("/auditorias/trazabilidad/99.9").status_code == 404


def test_trace_page_from_a_finding(traced, client, login):
    login("auditor")
    audit, action = traced["audit"], traced["action"]
    html = client.get(f"/auditorias/{audit.code}/hallazgos/{traced['finding'].number}").get_data(as_text=True)
    assert f"/acciones/{action.code}" in html and "Persona Staff" in html
    assert "Causa raíz: Falta de retiro de copias obsoletas." in html
    assert "Verificación (ciclo 1): Eficaz el 10-03-2026 por Segunda Auditora" in html
    assert "Solo copias vigentes en partes." in html
    # and from the action back to its finding
    html = client.get(f"/acciones/{action.code}").get_data(as_text=True)
    assert f"/auditorias/{audit.code}/hallazgos/{traced['finding'].number}" in html


def test_trace_pages_are_not_for_staff(traced, client, login):
    login("author")
    assert client.get("/auditorias/trazabilidad/7.5.3").status_code == 404
    assert client.get("/auditorias/trazabilidad").status_code == 404


@freeze_time(NOON)
def test_programme_approval_through_the_pages(app, users, process, client, login):
    login("quality")
    response = client.post("/auditorias/programa", data={"year": "2026", "objective": "Auditar todos los procesos."})
    assert response.status_code == 302
    programme = db.session.scalar(sa.select(AuditProgramme).where(AuditProgramme.year == 2026))
    assert programme.state == "draft" and programme.created_by_id == users["quality"].id
    assert client.post("/auditorias/programa/2026/items", data={
        "process_id": str(process.id), "region_code": "RM", "planned_month": "4",
        "audit_type": "internal"}).status_code == 302
    assert client.post("/auditorias/programa/2026/aprobar").status_code == 403  # the committee drafts only
    client.post("/salir")

    login("approver")
    html = client.get("/auditorias/programa/2026").get_data(as_text=True)
    assert "GT" in html and "abril" in html
    response = client.post("/auditorias/programa/2026/aprobar", follow_redirects=True)
    assert "Programa 2026 aprobado." in response.get_data(as_text=True)
    db.session.expire_all()
    programme = db.session.scalar(sa.select(AuditProgramme).where(AuditProgramme.year == 2026))
    assert programme.state == "approved" and programme.approved_by_id == users["approver"].id
    assert programme.approved_at is not None
    client.post("/salir")

    # once approved it no longer changes
    login("quality")
    response = client.post("/auditorias/programa/2026/items", data={
        "process_id": str(process.id), "planned_month": "6", "audit_type": "internal"}, follow_redirects=True)
    assert "El programa ya está aprobado y no se modifica." in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.scalar(sa.select(AuditProgramme)).items) == 1
    trail = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "audit_programme").order_by(AuditEntry.seq)).all()
    assert trail == ["programme.created", "programme.item_added", "programme.approved"]
