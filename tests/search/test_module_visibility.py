"""Search shows audits, actions and PNC to exactly those who may open them (issue 13, item 15)."""
from datetime import date

import pytest
from freezegun import freeze_time

from qms.extensions import db
from tests.audits.factories import NOON, load_record_types, nonconformity, own_process, started_audit

pytestmark = pytest.mark.usefixtures("search_backend")


@pytest.fixture(autouse=True)
def record_types(app):
    load_record_types()


def _kinds(result, kind):
    return [h.code for h in result.hits if h.kind == kind]


@freeze_time(NOON)
def test_the_process_owner_finds_the_audit_of_their_process(app, users, process, search_as):
    from qms.audits import access

    own_process(process, users, owner="author")
    audit = started_audit(users, process)
    assert access.can_view(users["author"], audit)
    assert _kinds(search_as(users["author"], "gestión territorial"), "audit") == [audit.code]
    assert _kinds(search_as(users["staff"], "gestión territorial"), "audit") == [audit.code]  # an auditee
    assert _kinds(search_as(users["approver"], "gestión territorial"), "audit") == []
    # a new owner finds it at once, the former one no longer (no re-indexing needed)
    process.owner_id = users["approver"].id
    db.session.commit()
    assert _kinds(search_as(users["approver"], "gestión territorial"), "audit") == [audit.code]
    assert _kinds(search_as(users["author"], "gestión territorial"), "audit") == []


@freeze_time(NOON)
def test_a_task_responsible_finds_the_action(app, users, process, search_as):
    from qms.actions import access, service

    own_process(process, users, owner="author")
    audit = started_audit(users, process)
    action = nonconformity(users, audit)[1]
    assert _kinds(search_as(users["approver"], "oficina de partes"), "action") == []
    service.add_task(users["author"], action, description="Retirar las copias de la oficina de partes",
                     responsible=users["approver"], due_date=date(2026, 4, 30))
    db.session.commit()
    assert access.can_view(users["approver"], action)
    assert _kinds(search_as(users["approver"], "oficina de partes"), "action") == [action.code]
    assert _kinds(search_as(users["reviewer"], "oficina de partes"), "action") == []


@freeze_time(NOON)
def test_the_process_owner_finds_the_pnc_of_their_process_after_a_change_of_owner(app, users, process, search_as):
    from qms.nonconformities import service

    own_process(process, users, owner="author")
    pnc = service.report(users["staff"], output_kind="service", product="Certificado de residencia", process=process,
                         region_code=None, description="Emitido con el RUT equivocado.", detected_on=date(2026, 3, 5))
    db.session.commit()
    process.owner_id = users["approver"].id
    db.session.commit()
    assert _kinds(search_as(users["approver"], "certificado residencia"), "nonconformity") == [pnc.code]
    assert _kinds(search_as(users["author"], "certificado residencia"), "nonconformity") == []
