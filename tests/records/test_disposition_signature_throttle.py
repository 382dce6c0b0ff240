"""Attack: guess the approver's password on a disposition, the other signed act.

Records disposition signs through the same kernel check as documents, so its wrong
passwords count towards the same per-account throttle.
"""
from datetime import date

import pytest
import sqlalchemy as sa

from qms.auth.models import LoginAttempt
from qms.errors import ServiceError
from qms.extensions import db
from qms.records import disposition
from qms.records.models import DispositionBatch, Record
from qms.timeutil import clock_at
from qms.trail.models import AuditEntry
from qms.trail.service import verify_chain
from tests.conftest import PASSWORD
from tests.records.conftest import moment


def test_wrong_disposition_passwords_lock_the_approver(app, make_record, users):
    with clock_at(moment(date(2020, 1, 1))):
        record = make_record(title="Informe de auditoría 2019", record_date=date(2019, 3, 15))
    with clock_at(moment(date(2026, 6, 1))):
        batch = disposition.propose_batch(users["quality"], [record])
        db.session.commit()
        for n in range(app.config["LOGIN_MAX_FAILURES"] - 1):
            with pytest.raises(ServiceError, match="no es correcta"):
                disposition.approve_batch(users["approver"], batch, password=f"equivocada-{n}")
            db.session.rollback()
        with pytest.raises(ServiceError, match="Demasiados intentos"):
            disposition.approve_batch(users["approver"], batch, password="equivocada-final")
        db.session.rollback()
        with pytest.raises(ServiceError, match="Demasiados intentos"):
            disposition.approve_batch(users["approver"], batch, password=PASSWORD)
        db.session.rollback()

    assert db.session.get(DispositionBatch, batch.id).state == "proposed"
    assert db.session.get(Record, record.id).state == "active"
    failures = db.session.scalar(sa.select(sa.func.count(LoginAttempt.id)).where(
        LoginAttempt.username == "approver", LoginAttempt.throttled.is_(False)))
    assert failures == app.config["LOGIN_MAX_FAILURES"]
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("security.%"))).all()
    assert actions.count("security.signature_failed") == app.config["LOGIN_MAX_FAILURES"]
    assert "security.account_locked" in actions and "security.signature_refused" in actions
    assert verify_chain().ok
