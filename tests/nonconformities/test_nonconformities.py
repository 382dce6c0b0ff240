"""Nonconforming outputs: any staff member reports, the committee treats, re-verifies and closes."""
import io
from datetime import date

import docx
import pytest
from freezegun import freeze_time

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.nonconformities import service
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.workflow import WORKFLOW
from qms.storage import store
from tests.audits.factories import NOON, own_process
from tests.conftest import PASSWORD


def _report(users, process, who="staff", on=date(2026, 3, 5)):
    pnc = service.report(users[who], output_kind="service", product="Certificado de residencia", process=process,
                         region_code="V", description="Certificado emitido con el RUT equivocado.", detected_on=on)
    db.session.commit()
    return pnc


def test_workflow_table():
    assert WORKFLOW.check("treat", "reported").target == "treated"
    assert WORKFLOW.check("reverify_ok", "treated").target == "closed"
    assert WORKFLOW.check("reverify_fail", "treated").target == "reported"
    with pytest.raises(ServiceError):
        WORKFLOW.check("treat", "closed")


@freeze_time(NOON)
def test_report_treat_reverify_close_with_report(app, users, process):
    pnc = _report(users, process)
    assert pnc.code == "PNC-2026-001" and pnc.treatment_due == date(2026, 3, 15)
    with pytest.raises(PermissionDenied):
        service.treat(users["staff"], pnc, treatment="correction", disposition="x", authorised_by=users["approver"],
                      treated_on=None)
    service.treat(users["quality"], pnc, treatment="correction", disposition="Se emitió un certificado nuevo.",
                  authorised_by=users["approver"], treated_on=date(2026, 3, 6))
    service.sign_authorisation(users["approver"], pnc, PASSWORD)
    service.reverify(users["quality"], pnc, conforming=True, notes="El nuevo certificado es correcto.",
                     on=date(2026, 3, 7), closure_notes="Usuario informado.")
    db.session.commit()
    assert pnc.state == "closed" and pnc.report_sha256
    report = docx.Document(io.BytesIO(store.read(pnc.report_sha256)))
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    assert "Servicio: Certificado de residencia" in cells
    assert "Corrección (autorizó: Persona Approver)" in cells
    assert any("El nuevo certificado es correcto." in c for c in cells)


@freeze_time(NOON)
def test_dates_out_of_order_are_refused(app, users, process):
    pnc = _report(users, process)
    with pytest.raises(ServiceError) as error:
        service.treat(users["quality"], pnc, treatment="correction", disposition="x",
                      authorised_by=users["approver"], treated_on=date(2026, 3, 1))
    assert error.value.message == ("La fecha del tratamiento (01-03-2026) no puede ser anterior a la detección "
                                   "(05-03-2026).")
    db.session.rollback()
    assert db.session.get(Nonconformity, pnc.id).state == "reported"
    with pytest.raises(ServiceError) as error:
        _report(users, process, on=date(2026, 4, 1))
    assert "no puede ser posterior a hoy" in error.value.message


@freeze_time(NOON)
def test_failed_reverification_goes_back_and_systemic_cause_links_an_action(app, users, process):
    own_process(process, users)
    pnc = _report(users, process)
    service.treat(users["quality"], pnc, treatment="rework", disposition="Se rehízo.", authorised_by=users["approver"],
                  treated_on=date(2026, 3, 6))
    service.reverify(users["quality"], pnc, conforming=False, notes="Sigue con error.", on=date(2026, 3, 8))
    assert pnc.state == "reported" and pnc.treatment_due == date(2026, 3, 18)
    action = service.link_action(users["quality"], pnc, users["staff"])
    db.session.commit()
    assert pnc.action_id == action.id and action.source_kind == "pnc" and action.source_ref == "PNC-2026-001"
    with pytest.raises(ServiceError):
        service.link_action(users["quality"], pnc, users["staff"])
