"""Audits: codes, impartiality, criteria pinned to the version in force, state machine, findings, report."""
import io
from datetime import date

import docx
import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.audits import service
from qms.audits.models import Audit
from qms.audits.workflow import WORKFLOW
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.storage import store
from tests.audits.factories import NOON, clause, nonconformity, own_process, plan_audit, started_audit
from tests.conftest import walk_to


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_workflow_table_is_the_state_machine():
    assert WORKFLOW.check("start", "planned").target == "in_progress"
    assert WORKFLOW.check("report", "in_progress").target == "reported"
    assert WORKFLOW.check("close", "reported").target == "closed"
    for name, state in [("close", "in_progress"), ("report", "planned"), ("start", "closed"), ("start", "reported")]:
        with pytest.raises(ServiceError):
            WORKFLOW.check(name, state)
    assert [t.name for t in WORKFLOW.available("planned")] == ["start"]
    assert WORKFLOW.available("closed") == []


@freeze_time(NOON)
def test_codes_are_per_year_and_sequential(app, users, process):
    first = plan_audit(users, process)
    second = plan_audit(users, process)
    other_year = plan_audit(users, process, start=date(2025, 11, 3), end=date(2025, 11, 4))
    assert (first.code, second.code, other_year.code) == ("AUD-2026-01", "AUD-2026-02", "AUD-2025-01")
    third = plan_audit(users, process)
    assert third.code == "AUD-2026-03"


@pytest.mark.parametrize("relation", ["owner", "unit"])
def test_an_auditor_cannot_audit_their_own_process_or_unit(app, users, process, relation):
    own_process(process, users, owner="staff")
    if relation == "owner":
        process.owner_id = users["auditor"].id
    else:
        users["auditor"].unit_id = process.unit_id
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        plan_audit(users, process)
    assert "imparcialidad" in error.value.message and "Persona Auditor" in error.value.message
    db.session.rollback()
    assert _count(Audit) == 0


def test_planned_dates_out_of_order_are_refused(app, users, process):
    with pytest.raises(ServiceError) as error:
        plan_audit(users, process, start=date(2026, 3, 10), end=date(2026, 3, 9))
    assert error.value.message == "La fecha de término no puede ser anterior a la de inicio."
    db.session.rollback()
    assert _count(Audit) == 0


def test_only_the_committee_plans_audits(app, users, process):
    with pytest.raises(PermissionDenied):
        service.save_audit(users["auditor"], None, audit_type="internal", title="x", processes=[process],
                           lead_auditor=users["auditor"], planned_start=date(2026, 3, 1), planned_end=date(2026, 3, 1))


def test_criteria_are_pinned_to_the_version_in_force_on_the_audit_date(app, users, process, make_document):
    with freeze_time("2026-03-01 12:00:00"):
        document = make_document(state="effective")
    with freeze_time("2026-04-01 12:00:00"):
        from qms.documents import service as documents

        v2 = documents.start_revision(users["author"], document)
        documents.save_draft(users["author"], v2, title=v2.title, sections=v2.sections, change_description="Cambio.")
        walk_to(v2, "effective", users)
        db.session.commit()
        assert document.effective_version.number == 2
        march = plan_audit(users, process, documents=[document], start=date(2026, 3, 9), end=date(2026, 3, 9))
        april = plan_audit(users, process, documents=[document], start=date(2026, 4, 2), end=date(2026, 4, 2))
        assert [c.version.number for c in march.criteria] == [1]
        assert [c.version.number for c in april.criteria] == [2]
        with pytest.raises(ServiceError) as error:
            plan_audit(users, process, documents=[document], start=date(2026, 2, 1), end=date(2026, 2, 1))
        assert "no tenía una versión vigente el 01-02-2026" in error.value.message


@freeze_time(NOON)
def test_nonconformity_raises_a_prefilled_linked_action(app, users, process):
    own_process(process, users)
    audit = started_audit(users, process)
    finding, action = nonconformity(users, audit)
    assert finding.label == "AUD-2026-01 H1"
    assert action.code == "AC-2026-001" and finding.action_id == action.id
    assert action.source_kind == "finding" and action.source_id == finding.id and action.source_ref == finding.label
    assert action.owner_id == users["staff"].id and action.process_id == process.id
    assert "Copia no controlada" in action.problem and "Requisito:" in action.problem
    observation, none = service.record_finding(users["auditor"], audit, kind="observation",
                                               description="Mejorar la señalética.")
    assert none is None and observation.number == 2


@freeze_time(NOON)
def test_nonconformity_needs_clause_requirement_and_evidence(app, users, process):
    own_process(process, users)
    audit = started_audit(users, process)
    with pytest.raises(ServiceError) as error:
        service.record_finding(users["auditor"], audit, kind="nc_major", description="Algo", clause=clause())
    assert error.value.message == "Una no conformidad indica el requisito incumplido."


@freeze_time(NOON)
def test_an_audit_cannot_close_with_a_nonconformity_without_action(app, users, process):
    audit = started_audit(users, process)  # the process has no owner: no action is raised
    finding, action = nonconformity(users, audit)
    assert action is None
    service.apply_transition(users["auditor"], audit, "report", conclusions="Sistema eficaz con una NC.")
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        service.apply_transition(users["auditor"], audit, "close")
    assert error.value.message == ("No se puede cerrar la auditoría: la(s) no conformidad(es) AUD-2026-01 H1 "
                                   "no tiene(n) acción correctiva.")
    db.session.rollback()
    assert db.session.get(Audit, audit.id).state == "reported"
    service.raise_action(users["quality"], finding, users["staff"])
    service.apply_transition(users["auditor"], audit, "close")
    db.session.commit()
    assert audit.state == "closed"


@freeze_time(NOON)
def test_report_dates_out_of_order_are_refused(app, users, process):
    audit = started_audit(users, process)
    with pytest.raises(ServiceError) as error:
        service.apply_transition(users["auditor"], audit, "report", actual_end=date(2026, 3, 1), conclusions="x")
    assert "no puede ser anterior al inicio (09-03-2026)" in error.value.message
    db.session.rollback()
    assert db.session.get(Audit, audit.id).state == "in_progress"


@freeze_time(NOON)
def test_only_the_audit_team_records_findings(app, users, process):
    from tests.audits.factories import second_auditor

    other = second_auditor(users)
    audit = started_audit(users, process)
    with pytest.raises(PermissionDenied):
        service.record_finding(other, audit, kind="observation", description="x")


@freeze_time(NOON)
def test_checklist_library_and_copy(app, users, process):
    own_process(process, users)
    first = started_audit(users, process)
    item = service.add_checklist_item(users["auditor"], first, question="¿Se usan solo copias vigentes?",
                                      clause=clause())
    service.answer_checklist_item(users["auditor"], item, result="conforming", evidence="Listado maestro")
    db.session.commit()
    assert [q.question for q in service.bank_questions(["7.5.3"])["7.5.3"]] == ["¿Se usan solo copias vigentes?"]
    second = plan_audit(users, process)
    assert service.copy_checklist(users["auditor"], second, first) == 1
    db.session.commit()
    assert [(i.question, i.result) for i in second.checklist] == [("¿Se usan solo copias vigentes?", "")]
    assert service.bank_questions(["7.5.3"])["7.5.3"][0].use_count == 2


@freeze_time(NOON)
def test_report_is_generated_stored_and_lists_findings(app, users, process):
    own_process(process, users)
    audit = started_audit(users, process)
    item = service.add_checklist_item(users["auditor"], audit, question="¿Se usan solo copias vigentes?",
                                      clause=clause())
    service.answer_checklist_item(users["auditor"], item, result="nonconforming", evidence="Copia v01 en el mesón")
    nonconformity(users, audit)
    service.apply_transition(users["auditor"], audit, "report", summary="Se auditó según el programa.",
                             conclusions="El proceso cumple, con una no conformidad menor.")
    db.session.commit()
    assert audit.state == "reported" and audit.report_sha256
    document = docx.Document(io.BytesIO(store.read(audit.report_sha256)))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "AUD-2026-01" in body
    assert "El proceso cumple, con una no conformidad menor." in body
    assert "No conformidad menor" in cells and "7.5.3" in cells
    assert any("Copia no controlada" in c and "AC-2026-001" in c for c in cells)
    assert "¿Se usan solo copias vigentes?" in cells and "No conforme" in cells
    assert "Persona Auditor" in cells
    assert "09-03-2026 al 10-03-2026" in cells


@freeze_time(NOON)
def test_programme_is_drafted_by_the_committee_and_approved_by_someone_else(app, users, process):
    programme = service.create_programme(users["quality"], year=2026, objective="Auditar todos los procesos.")
    with pytest.raises(ServiceError):
        service.approve_programme(users["approver"], programme)  # no audits planned yet
    service.add_programme_item(users["quality"], programme, process=process, region_code="RM", planned_month=4)
    with pytest.raises(PermissionDenied):
        service.approve_programme(users["quality"], programme)
    service.approve_programme(users["approver"], programme)
    db.session.commit()
    assert programme.state == "approved"
    with pytest.raises(ServiceError):
        service.add_programme_item(users["quality"], programme, process=process, region_code=None, planned_month=5)
