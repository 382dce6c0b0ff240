"""The audit trail is append-only and hash-chained; altering any row is detected."""
import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.trail import service as trail
from qms.trail.models import AppendOnlyError, AuditEntry

from .helpers import raw as _raw
from .helpers import write_entries


def _entries(users, count=5):
    write_entries(users["quality"], count)


def test_chain_verifies(users):
    _entries(users)
    report = trail.verify_chain()
    assert report.ok and report.checked >= 5


def test_orm_refuses_updates_and_deletes(users):
    _entries(users, 1)
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    entry.action = "otra.cosa"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(sa.select(AuditEntry)).first())
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_altered_row_is_named(users):
    _entries(users)
    target = db.session.scalar(sa.select(AuditEntry.seq).where(AuditEntry.object_id == "2"))
    _raw("UPDATE audit_entries SET object_label = 'falsificado' WHERE seq = :seq", seq=target)
    db.session.expire_all()
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == target and "alterado" in report.reason


def test_removed_row_is_named(users):
    _entries(users)
    target = db.session.scalar(sa.select(AuditEntry.seq).where(AuditEntry.object_id == "3"))
    _raw("DELETE FROM audit_entries WHERE seq = :seq", seq=target)
    db.session.expire_all()
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == target


def test_removed_tail_is_detected(users):
    _entries(users)
    last = db.session.scalar(sa.select(sa.func.max(AuditEntry.seq)))
    _raw("DELETE FROM audit_entries WHERE seq = :seq", seq=last)
    db.session.expire_all()
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == last


def test_cli_verify_exit_codes(app, users):
    from qms.cli import audit_log_verify

    _entries(users)
    runner = app.test_cli_runner()
    ok = runner.invoke(audit_log_verify)
    assert ok.exit_code == 0 and "íntegra" in ok.output
    _raw("UPDATE audit_entries SET details = :d WHERE seq = 2", d='{"n": 99}')
    bad = runner.invoke(audit_log_verify)
    assert bad.exit_code == 1 and "entrada 2" in bad.output


def test_document_trail_page_lists_every_step(client, users, login, make_document):
    document = make_document(state="effective")
    login("quality")
    page = client.get(f"/bitacora/documento/{document.code}").get_data(as_text=True)
    for action in ("document.created", "version.edited", "version.submit", "version.pass_review",
                   "version.approve", "version.make_effective"):
        assert action in page
