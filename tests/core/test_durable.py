"""Writes that outlive the caller's transaction: run after it ends, whatever its outcome."""
import sqlalchemy as sa

from qms.core import durable
from qms.extensions import db
from qms.org.models import Region
from qms.trail import service as trail
from qms.trail.models import AuditEntry


def _labels():
    return db.session.scalars(sa.select(AuditEntry.object_label).where(AuditEntry.action.like("test.%"))
                              .order_by(AuditEntry.seq)).all()


def test_work_queued_in_a_transaction_runs_after_its_rollback(app):
    ran = []
    db.session.scalar(sa.select(sa.func.count()).select_from(Region))  # a transaction is open
    durable.after_transaction(lambda session: ran.append(session.scalar(sa.select(sa.func.count()).select_from(Region))))
    assert ran == []
    db.session.rollback()
    assert ran == [16]


def test_without_a_transaction_the_work_runs_at_once(app):
    db.session.commit()
    ran = []
    durable.after_transaction(lambda session: ran.append(True))
    assert ran == [True]


def test_an_entry_recorded_outside_survives_the_rollback_and_keeps_the_chain(users):
    trail.record(users["quality"], "test.before", "thing", 1, "antes")
    db.session.commit()
    trail.record(users["quality"], "test.rolled_back", "thing", 2, "deshecha")
    trail.record_outside(users["quality"], "test.refusal", "thing", 3, "rechazo", {"n": 3})
    db.session.rollback()
    trail.record(users["quality"], "test.after", "thing", 4, "después")
    db.session.commit()
    assert _labels() == ["antes", "rechazo", "después"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "test.refusal"))
    assert entry.username == "quality" and entry.details == {"n": 3}
    assert trail.verify_chain().ok
