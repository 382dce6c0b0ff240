"""Effectiveness verified before its planned date needs a reason (trailed, in the report);
verifying needs the whole plan done."""
from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.actions import service
from qms.errors import ServiceError
from qms.extensions import db
from qms.trail.models import AuditEntry
from tests.actions.test_actions import WHYS
from tests.audits.factories import NOON, nonconformity, own_process, second_auditor, started_audit


@pytest.fixture
def verifying(app, users, process):
    """An action whose plan is done, planned to be verified on 30-04-2026 (today is 10-03-2026)."""
    with freeze_time(NOON):
        own_process(process, users)
        _finding, action = nonconformity(users, started_audit(users, process))
        owner, verifier = users["staff"], second_auditor(users)
        service.save_analysis(owner, action, method="five_whys", whys=WHYS, root_cause="Falta de aviso.")
        task = service.add_task(owner, action, description="Avisar", responsible=owner, due_date=date(2026, 3, 31))
        service.plan_verification(owner, action, planned_date=date(2026, 4, 30), verifier=verifier)
        service.apply_transition(owner, action, "start_implementation")
        service.update_task(owner, task, status="done", evidence_note="Correo masivo.")
        service.apply_transition(owner, action, "request_verification")
        db.session.commit()
    return action, verifier


@freeze_time(NOON)
@pytest.mark.parametrize("name", ["verify_effective", "verify_not_effective"])
def test_early_verification_without_a_reason_is_refused(app, verifying, name):
    action, verifier = verifying
    with pytest.raises(ServiceError) as refused:
        service.apply_transition(verifier, action, name, evidence="Sin copias.", early_reason="  ")
    assert refused.value.field == "early_reason"
    assert "planificada para el 30-04-2026" in refused.value.message
    db.session.rollback()
    assert action.state == "verifying"


@freeze_time(NOON)
def test_early_verification_with_a_reason_is_trailed_and_reported(app, verifying):
    import io

    import docx

    from qms.storage import store

    action, verifier = verifying
    service.apply_transition(verifier, action, "verify_effective", evidence="Sin copias.",
                             early_reason="La auditoría externa se adelantó.")
    db.session.commit()
    verification = action.verifications[-1]
    assert verification.early_reason == "La auditoría externa se adelantó." and verification.was_early
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "action.verified")).one()
    assert entry.details["early_reason"] == "La auditoría externa se adelantó."
    cells = [c.text for t in docx.Document(io.BytesIO(store.read(action.report_sha256))).tables
             for row in t.rows for c in row.cells]
    assert any("Motivo: La auditoría externa se adelantó." in c for c in cells)


def test_verification_on_the_planned_date_needs_no_reason(app, verifying):
    action, verifier = verifying
    with freeze_time("2026-04-30 12:00:00+00:00"):
        service.apply_transition(verifier, action, "verify_effective", evidence="Sin copias.")
        db.session.commit()
    assert action.state == "closed" and action.verifications[-1].early_reason == ""


@freeze_time(NOON)
def test_not_effective_also_needs_the_plan_done(app, verifying):
    action, verifier = verifying
    # a task reopened behind the workflow's back (old data): no verdict on an unfinished plan
    action.current_tasks[0].status = "in_progress"
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        service.apply_transition(verifier, action, "verify_not_effective", evidence="x", early_reason="y")
    assert "quedan 1 tarea(s) abierta(s)" in refused.value.message


@freeze_time(NOON)
def test_the_page_asks_for_the_reason_before_the_planned_date(app, client, login, verifying):
    action, _verifier = verifying
    login("auditora2", "clave-de-prueba-1")
    html = client.get(f"/acciones/{action.code}").get_data(as_text=True)
    assert 'name="early_reason"' in html and "planificada para el 30-04-2026" in html
