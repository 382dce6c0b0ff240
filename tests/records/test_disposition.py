"""Disposition: proposal, signed approval, tombstones, certificate, legal holds."""
import io
from datetime import date

import docx
import pytest
import sqlalchemy as sa

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.records import disposition, service
from qms.records.models import Record, RecordTombstone
from qms.storage import store
from qms.storage.models import StoredFile
from qms.timeutil import clock_at
from qms.trail.models import AuditEntry
from qms.trail.service import verify_chain
from tests.conftest import PASSWORD
from tests.records.conftest import moment, pdf_bytes

TODAY = date(2026, 6, 1)


@pytest.fixture
def expired(make_record):
    """Two audit reports (5 years, eliminar) and a training list (3 years) whose retention has ended."""
    with clock_at(moment(date(2020, 1, 1))):
        return [make_record(title="Informe de auditoría 2019", record_date=date(2019, 3, 15)),
                make_record(title="Informe de auditoría 2019 bis", record_date=date(2019, 4, 1)),
                make_record(type_code="LIST-CAP", title="Lista de asistencia", record_date=date(2019, 5, 1))]


def _approve(batch, users, password=PASSWORD):
    return disposition.approve_batch(users["approver"], batch, password=password, comment="Conforme.")


def test_expired_records_are_listed_and_recent_ones_are_not(expired, make_record, users):
    with clock_at(moment(date(2024, 1, 1))):
        recent = make_record(title="Reciente", record_date=date(2023, 12, 1))
    with clock_at(moment(TODAY)):
        eligible = disposition.eligible_records(users["quality"])
    assert {r.id for r in eligible} == {r.id for r in expired}
    assert recent not in eligible


def test_proposed_and_signed_batch_destroys_files_and_leaves_tombstone_and_certificate(app, expired, users):
    """GIVEN expired records WHEN the committee proposes and the approver signs
    THEN files are gone from the store, tombstones keep their checksums, a certificate exists."""
    shas = [r.files[0].sha256 for r in expired]
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], expired[:2], "Plazo cumplido según tabla.")
        db.session.commit()
        assert batch.code == f"DISP-{TODAY.year}-001" and batch.state == "proposed"
        _approve(batch, users)
        db.session.commit()
    assert batch.state == "executed" and batch.decided_by_name == users["approver"].full_name
    for record, sha in zip(expired[:2], shas):
        db.session.refresh(record)
        assert record.state == "disposed" and record.files[0].status == "destroyed"
        assert not store.path_for(sha).exists()
        assert db.session.get(StoredFile, sha) is None
    assert store.path_for(shas[2]).exists()  # not in the batch
    tombstones = db.session.scalars(sa.select(RecordTombstone).order_by(RecordTombstone.record_code)).all()
    assert [t.record_code for t in tombstones] == [expired[0].code, expired[1].code]
    assert tombstones[0].files[0]["sha256"] == shas[0] and tombstones[0].files[0]["physically_deleted"]
    assert tombstones[0].approved_by_name == users["approver"].full_name
    assert tombstones[0].executed_at is not None
    certificate = docx.Document(io.BytesIO(store.read(batch.certificate_sha256)))
    text = "\n".join(p.text for p in certificate.paragraphs) + "\n".join(
        c.text for t in certificate.tables for row in t.rows for c in row.cells)
    assert "Certificado de disposición de registros" in text
    assert expired[0].code in text and shas[0] in text and users["approver"].full_name in text
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"disposition.proposed", "disposition.approved", "record.disposed"} <= actions
    assert verify_chain().ok


def test_a_file_shared_with_another_record_stays_in_the_store(expired, make_record, users):
    shared = expired[0].files[0].sha256
    with clock_at(moment(date(2024, 1, 1))):
        other = make_record(title="Copia vigente", record_date=date(2023, 1, 1),
                            data=pdf_bytes("Informe de auditoría 2019"))
    assert other.files[0].sha256 == shared
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], [expired[0]])
        _approve(batch, users)
        db.session.commit()
    assert store.path_for(shared).exists() and store.read(shared)
    tombstone = db.session.scalar(sa.select(RecordTombstone))
    assert tombstone.files[0]["physically_deleted"] is False


def test_archive_disposition_keeps_files(make_record, users):
    from qms.records.models import RecordType

    record_type = db.session.scalar(sa.select(RecordType).where(RecordType.code == "INF-DIAG"))
    with clock_at(moment(date(2019, 1, 1))):
        record = make_record(type_code="INF-DIAG", title="Diagnóstico 2018", record_date=date(2018, 1, 10))
    assert record_type.disposition == "archive"
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], [record])
        _approve(batch, users)
        db.session.commit()
    assert record.state == "archived" and record.files[0].status == "archived"
    assert store.read(record.files[0].sha256)


@pytest.mark.parametrize("where", ["record", "type"])
def test_a_legal_hold_blocks_proposal_and_approval(expired, users, where):
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], expired[:1])
        db.session.commit()
        if where == "record":
            service.set_record_legal_hold(users["quality"], expired[0], is_on_hold=True, reason="Causa Rol 123-2026")
        else:
            service.set_type_legal_hold(users["quality"], expired[0].type, is_on_hold=True, reason="Oficio CGR 45")
        db.session.commit()
        with pytest.raises(ServiceError, match="retención legal"):
            _approve(batch, users)
        db.session.rollback()
        with pytest.raises(ServiceError, match="retención legal"):
            disposition.propose_batch(users["quality"], expired[:1])
        db.session.rollback()
    record = db.session.get(Record, expired[0].id)
    assert record.state == "active" and store.read(record.files[0].sha256)
    assert db.session.get(type(batch), batch.id).state == "proposed"
    assert db.session.scalar(sa.select(RecordTombstone)) is None


def test_approval_needs_the_password_the_permission_and_another_person(app, expired, users):
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], expired[:1])
        db.session.commit()
        with pytest.raises(ServiceError, match="contraseña"):
            _approve(batch, users, password="equivocada")
        with pytest.raises(PermissionDenied):
            disposition.approve_batch(users["quality"], batch, password=PASSWORD)
        users["quality"].roles.append(users["approver"].roles[0])
        with pytest.raises(ServiceError, match="Segregación"):
            disposition.approve_batch(users["quality"], batch, password=PASSWORD)
    db.session.rollback()
    assert db.session.get(Record, expired[0].id).state == "active"


def test_not_yet_expired_records_cannot_be_proposed(make_record, users):
    with clock_at(moment(date(2024, 1, 1))):
        record = make_record(record_date=date(2023, 6, 1))
        with pytest.raises(ServiceError, match="debe conservarse hasta el"):
            disposition.propose_batch(users["quality"], [record])


def test_rejection_needs_a_reason_and_disposes_nothing(expired, users):
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], expired[:1])
        with pytest.raises(ServiceError, match="motivo"):
            disposition.reject_batch(users["approver"], batch, password=PASSWORD, comment="")
        disposition.reject_batch(users["approver"], batch, password=PASSWORD, comment="Falta revisar con Jurídica.")
        db.session.commit()
    assert batch.state == "rejected" and expired[0].state == "active"
    with clock_at(moment(TODAY)):
        assert disposition.propose_batch(users["quality"], expired[:1]).state == "proposed"


def test_a_failed_commit_loses_nothing(app, expired, users):
    """Files are unlinked only after the commit: a rollback keeps every byte."""
    sha = expired[0].files[0].sha256
    with clock_at(moment(TODAY)):
        batch = disposition.propose_batch(users["quality"], expired[:1])
        db.session.commit()
        _approve(batch, users)
    db.session.rollback()
    assert store.read(sha) and db.session.get(Record, expired[0].id).state == "active"
