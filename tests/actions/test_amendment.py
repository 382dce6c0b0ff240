"""A closed action is read-only; an amendment through the page needs a reason and is trailed."""
from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.actions import service
from qms.actions.models import Action, ActionAmendment
from qms.errors import ServiceError
from qms.extensions import db
from qms.trail.models import AuditEntry
from tests.audits.factories import NOON, nonconformity, own_process, second_auditor, started_audit


@pytest.fixture
def closed_action(app, users, process):
    with freeze_time(NOON):
        own_process(process, users)
        _finding, action = nonconformity(users, started_audit(users, process))
        owner, verifier = users["staff"], second_auditor(users)
        service.save_analysis(owner, action, method="ishikawa", causes=[("method", "Sin aviso de nuevas versiones")],
                              root_cause="Falta de avsio de nuevas versiones.")
        task = service.add_task(owner, action, description="Avisar las nuevas versiones", responsible=owner,
                                due_date=date(2026, 3, 31))
        service.plan_verification(owner, action, planned_date=date(2026, 4, 30), verifier=verifier)
        service.apply_transition(owner, action, "start_implementation")
        service.update_task(owner, task, status="done", evidence_note="Correo masivo.")
        service.apply_transition(owner, action, "request_verification")
        service.apply_transition(verifier, action, "verify_effective", evidence="Sin copias obsoletas.",
                                 early_reason="Se adelantó la revisión.")
        db.session.commit()
    return action


def _amendments():
    return db.session.scalars(sa.select(ActionAmendment)).all()


@freeze_time(NOON)
def test_amendment_without_reason_changes_nothing(closed_action, client, login):
    login("quality")
    response = client.post(f"/acciones/{closed_action.code}/enmendar",
                           data={"root_cause": "Falta de aviso de nuevas versiones.", "reason": "  "},
                           follow_redirects=True)
    assert "El motivo de la enmienda es obligatorio." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Action, closed_action.id).root_cause == "Falta de avsio de nuevas versiones."
    assert _amendments() == []


@freeze_time(NOON)
def test_amendment_with_reason_is_kept_and_trailed(closed_action, client, login):
    login("quality")
    response = client.post(f"/acciones/{closed_action.code}/enmendar",
                           data={"root_cause": "Falta de aviso de nuevas versiones.",
                                 "reason": "Error de tipeo en la causa raíz.", "state": "open", "owner_id": "1"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Enmienda registrada." in html and "Error de tipeo en la causa raíz." in html
    db.session.expire_all()
    action = db.session.get(Action, closed_action.id)
    assert action.root_cause == "Falta de aviso de nuevas versiones."
    assert action.state == "closed"  # extra fields are ignored
    [amendment] = _amendments()
    assert amendment.reason == "Error de tipeo en la causa raíz."
    assert amendment.changes == {"root_cause": ["Falta de avsio de nuevas versiones.",
                                                "Falta de aviso de nuevas versiones."]}
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "action.amended")).one()
    assert entry.object_id == str(action.id) and entry.details["reason"] == "Error de tipeo en la causa raíz."
    assert entry.username == "quality"


@freeze_time(NOON)
def test_only_the_committee_amends(closed_action, client, login):
    login("staff")  # the owner
    assert client.post(f"/acciones/{closed_action.code}/enmendar",
                       data={"root_cause": "Otra.", "reason": "Porque sí."}).status_code == 403
    db.session.expire_all()
    assert _amendments() == []


@freeze_time(NOON)
def test_a_closed_action_refuses_every_other_change(closed_action, users):
    task = closed_action.tasks[0]
    attempts = [
        lambda: service.update_details(users["quality"], closed_action, title="Otro", kind="corrective",
                                       problem="x", correction=""),
        lambda: service.add_task(users["quality"], closed_action, description="Otra", responsible=users["staff"],
                                 due_date=date(2026, 5, 1)),
        lambda: service.update_task(users["staff"], task, status="pending"),
        lambda: service.attach_task_evidence(users["staff"], task, b"x", "x.txt"),
        lambda: service.save_analysis(users["staff"], closed_action, method="five_whys", whys=[("a", "b")],
                                      root_cause="x"),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError) as error:
            attempt()
        assert "está cerrada" in error.value.message
        db.session.rollback()
    with pytest.raises(ServiceError) as error:
        service.amend(users["quality"], closed_action, reason="Motivo", state="open")
    assert error.value.message == "Esos campos no se pueden enmendar."
