"""CAPA: state machine, 5 porqués / Ishikawa as data, verifier ≠ owner, no eficaz keeps history, amendments."""
import io
from datetime import date

import docx
import pytest
from freezegun import freeze_time

from qms.actions import service
from qms.actions.models import Action
from qms.actions.workflow import WORKFLOW
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.storage import store
from tests.audits.factories import NOON, nonconformity, own_process, second_auditor, started_audit

#: The plans of these tests verify on 10-03-2026 what was planned for 30-06-2026.
EARLY = "La auditoría de seguimiento se adelantó."
WHYS = [("¿Por qué había una copia no controlada?", "Nadie retiró la versión anterior."),
        ("¿Por qué nadie la retiró?", "No se avisó de la nueva versión.")]


def test_workflow_table_is_the_state_machine():
    path = [("start_analysis", "open", "analysis"), ("start_implementation", "analysis", "implementing"),
            ("request_verification", "implementing", "verifying"), ("verify_effective", "verifying", "closed"),
            ("verify_not_effective", "verifying", "analysis")]
    for name, source, target in path:
        assert WORKFLOW.check(name, source).target == target
    for name, state in [("verify_effective", "implementing"), ("start_implementation", "open"),
                        ("start_analysis", "closed"), ("request_verification", "closed")]:
        with pytest.raises(ServiceError):
            WORKFLOW.check(name, state)
    assert WORKFLOW.available("closed") == []


@pytest.fixture
def action(app, users, process):
    with freeze_time(NOON):
        own_process(process, users)
        audit = started_audit(users, process)
        _finding, raised = nonconformity(users, audit)
    return raised


def _plan(users, action, verifier):
    owner = users["staff"]
    service.save_analysis(owner, action, method="five_whys", whys=WHYS, root_cause="Falta de aviso de nuevas versiones.",
                          similar_nonconformities="Podría ocurrir en las oficinas regionales.")
    task = service.add_task(owner, action, description="Activar tomas de conocimiento", responsible=owner,
                            due_date=date(2026, 4, 30))
    service.plan_verification(owner, action, planned_date=date(2026, 6, 30), verifier=verifier)
    db.session.commit()
    return task


@freeze_time(NOON)
def test_full_cycle_to_closed_with_report(app, users, action):
    verifier = second_auditor(users)
    task = _plan(users, action, verifier)
    assert action.state == "analysis"
    assert [(w.why, w.answer) for w in action.current_whys] == WHYS
    service.apply_transition(users["staff"], action, "start_implementation")
    service.update_task(users["staff"], task, status="done", evidence_note="Correo a todas las unidades.")
    service.apply_transition(users["staff"], action, "request_verification")
    service.apply_transition(verifier, action, "verify_effective", evidence="No se encontraron copias antiguas.",
                             early_reason=EARLY)
    db.session.commit()
    assert action.state == "closed" and action.closed_at is not None and action.report_sha256
    report = docx.Document(io.BytesIO(store.read(action.report_sha256)))
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    body = "\n".join(p.text for p in report.paragraphs)
    assert "AC-2026-001" in body and "Causa raíz: Falta de aviso de nuevas versiones." in body
    assert any("No se avisó de la nueva versión." in c for c in cells)
    assert "Activar tomas de conocimiento" in cells and "Realizada" in cells
    assert "Eficaz" in cells and "Segunda Auditora" in cells
    assert any("antes de la fecha planificada (30-06-2026). Motivo: La auditoría de seguimiento se adelantó." in c
               for c in cells)


@freeze_time(NOON)
def test_the_owner_cannot_be_the_verifier(app, users, action):
    with pytest.raises(ServiceError) as error:
        service.plan_verification(users["staff"], action, planned_date=date(2026, 6, 30), verifier=users["staff"])
    assert error.value.message == "La eficacia debe verificarla una persona distinta del responsable de la acción."
    db.session.rollback()
    assert db.session.get(Action, action.id).verifications == []


@freeze_time(NOON)
def test_verifier_must_hold_capa_verify(app, users, action):
    with pytest.raises(ServiceError) as error:
        service.plan_verification(users["staff"], action, planned_date=date(2026, 6, 30), verifier=users["author"])
    assert "no tiene el permiso" in error.value.message


@freeze_time(NOON)
def test_cannot_move_to_verification_or_close_with_open_tasks(app, users, action):
    verifier = second_auditor(users)
    _plan(users, action, verifier)
    service.apply_transition(users["staff"], action, "start_implementation")
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        service.apply_transition(users["staff"], action, "request_verification")
    assert error.value.message == "No se puede pasar a verificación: quedan 1 tarea(s) abierta(s) del plan (N° 1)."
    db.session.rollback()
    assert db.session.get(Action, action.id).state == "implementing"


@freeze_time(NOON)
def test_plan_needs_analysis_tasks_and_verification(app, users, action):
    with pytest.raises(ServiceError) as error:
        service.apply_transition(users["staff"], action, "start_analysis")
        db.session.flush()
        service.apply_transition(users["staff"], action, "start_implementation")
    assert "Complete el análisis" in error.value.message


@freeze_time(NOON)
def test_task_due_before_opening_is_refused(app, users, action):
    with pytest.raises(ServiceError) as error:
        service.add_task(users["staff"], action, description="x", responsible=users["staff"],
                         due_date=date(2026, 1, 1))
    assert "no puede ser anterior a la apertura" in error.value.message


@freeze_time(NOON)
def test_ishikawa_is_kept_as_data(app, users, action):
    service.save_analysis(users["staff"], action, method="ishikawa",
                          causes=[("method", "No hay paso de retiro de copias"), ("manpower", "Rotación del personal"),
                                  ("machine", "")], root_cause="El procedimiento no exige retirar copias.")
    db.session.commit()
    assert [(c.category, c.cause) for c in action.current_causes] == [
        ("method", "No hay paso de retiro de copias"), ("manpower", "Rotación del personal")]
    with pytest.raises(ServiceError):
        service.save_analysis(users["staff"], action, method="ishikawa", causes=[("luck", "x")], root_cause="x")


@freeze_time(NOON)
def test_not_effective_goes_back_to_analysis_keeping_history(app, users, action):
    verifier = second_auditor(users)
    task = _plan(users, action, verifier)
    service.apply_transition(users["staff"], action, "start_implementation")
    service.update_task(users["staff"], task, status="done", evidence_note="Hecho.")
    service.apply_transition(users["staff"], action, "request_verification")
    service.apply_transition(verifier, action, "verify_not_effective", evidence="Siguen apareciendo copias.",
                             early_reason=EARLY)
    db.session.commit()
    assert action.state == "analysis" and action.cycle == 2
    first = action.verifications[0]
    assert (first.cycle, first.result, first.evidence) == (1, "not_effective", "Siguen apareciendo copias.")
    assert [(w.cycle, w.why) for w in action.whys] == [(1, WHYS[0][0]), (1, WHYS[1][0]), (2, WHYS[0][0]),
                                                      (2, WHYS[1][0])]
    assert action.current_tasks == [] and [t.cycle for t in action.tasks] == [1]
    # the second cycle gets its own verification row; the first stays as it was
    service.add_task(users["staff"], action, description="Retirar copias en regiones", responsible=users["staff"],
                     due_date=date(2026, 5, 15))
    service.plan_verification(users["staff"], action, planned_date=date(2026, 7, 1), verifier=verifier)
    db.session.commit()
    assert [(v.cycle, v.result) for v in action.verifications] == [(1, "not_effective"), (2, "")]


@freeze_time(NOON)
def test_only_the_assigned_verifier_verifies_and_never_the_owner(app, users, action):
    verifier = second_auditor(users)
    task = _plan(users, action, verifier)
    service.apply_transition(users["staff"], action, "start_implementation")
    service.update_task(users["staff"], task, status="done", evidence_note="Hecho.")
    service.apply_transition(users["staff"], action, "request_verification")
    with pytest.raises(PermissionDenied):
        service.apply_transition(users["staff"], action, "verify_effective", evidence="x")
    with pytest.raises(PermissionDenied):
        service.apply_transition(users["auditor"], action, "verify_effective", evidence="x")


@freeze_time(NOON)
def test_closed_actions_are_read_only_and_amendments_need_a_reason(app, users, action):
    verifier = second_auditor(users)
    task = _plan(users, action, verifier)
    service.apply_transition(users["staff"], action, "start_implementation")
    service.update_task(users["staff"], task, status="done", evidence_note="Hecho.")
    service.apply_transition(users["staff"], action, "request_verification")
    service.apply_transition(verifier, action, "verify_effective", evidence="Eficaz.", early_reason=EARLY)
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        service.update_details(users["quality"], action, title="Otro", kind="corrective", problem="x", correction="")
    assert "está cerrada" in error.value.message
    db.session.rollback()
    with pytest.raises(ServiceError) as error:
        service.amend(users["quality"], action, reason="  ", root_cause="Otra causa")
    assert error.value.message == "El motivo de la enmienda es obligatorio."
    db.session.rollback()
    service.amend(users["quality"], action, reason="Error de tipeo en la causa.", root_cause="Falta de aviso.")
    db.session.commit()
    assert action.root_cause == "Falta de aviso."
    amendment = action.amendments[0]
    assert amendment.reason == "Error de tipeo en la causa." and amendment.changes["root_cause"][1] == "Falta de aviso."


@freeze_time(NOON)
def test_codes_never_repeat(app, users, process):
    made = [service.create_action(users["quality"], kind="improvement", source_kind="siac", source_ref="SIAC 1",
                                  title=f"Acción {n}", problem="Problema", owner=users["staff"]) for n in range(3)]
    assert [a.code for a in made] == ["AC-2026-001", "AC-2026-002", "AC-2026-003"]
