"""Records and their files: creation, protection, bad input, produced records, reference data."""
from datetime import date

import pytest
import sqlalchemy as sa

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.records import service
from qms.records.models import ImmutableRecordFileError, Record, RecordFile, RecordType
from qms.storage import store
from qms.storage.models import StoredFile
from qms.trail.models import AuditEntry
from tests.records.conftest import docx_bytes, pdf_bytes


def _actions(record):
    return [e.action for e in db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "record", AuditEntry.object_id == str(record.id)).order_by(AuditEntry.seq))]


def test_create_record_with_a_content_addressed_file(make_record):
    data = docx_bytes("informe")
    record = make_record(data=data, filename="C:\\Users\\x\\Informe final.docx")
    assert record.code == "INF-AUD-2019-001"
    [first] = record.files
    assert first.original_filename == "Informe final.docx"
    assert first.content_type.endswith("wordprocessingml.document")  # detected, not declared
    assert store.read(first.sha256) == data and first.size == len(data) and first.sha256 == store.sha256_of(data)
    assert _actions(record) == ["record.created"]
    assert make_record(title="Segundo").code == "INF-AUD-2019-002"


def test_adding_a_file_needs_a_reason_and_keeps_the_first(make_record, users):
    record = make_record()
    original = record.files[0].sha256
    with pytest.raises(ServiceError, match="motivo"):
        service.add_file(users["quality"], record, data=pdf_bytes("v2"), filename="informe.pdf", reason="")
    db.session.rollback()
    service.add_file(users["quality"], record, data=pdf_bytes("v2"), filename="informe.pdf",
                     reason="Se agrega el anexo firmado.")
    db.session.commit()
    assert [f.position for f in record.files] == [1, 2]
    assert record.files[0].sha256 == original
    assert record.files[1].reason == "Se agrega el anexo firmado."
    assert _actions(record)[-1] == "record.file_added"


def test_the_same_content_is_not_added_twice(make_record, users):
    record = make_record(data=pdf_bytes("uno"))
    with pytest.raises(ServiceError, match="ya está en el registro"):
        service.add_file(users["quality"], record, data=pdf_bytes("uno"), filename="otra.pdf", reason="copia")


def test_replacing_a_file_is_refused_by_service_and_model(make_record):
    record = make_record()
    record_file = record.files[0]
    with pytest.raises(ServiceError, match="no se reemplazan"):
        service.replace_file(None, record, record_file, data=pdf_bytes("otro"))
    record_file.sha256 = "0" * 64
    with pytest.raises(ImmutableRecordFileError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(RecordFile, record_file.id))
    with pytest.raises(ImmutableRecordFileError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(RecordFile, record_file.id).sha256 == store.sha256_of(pdf_bytes("Informe de auditoría interna"))


def test_early_deletion_is_refused_and_nothing_changes(make_record, users):
    record = make_record(record_date=date.today().replace(year=date.today().year - 1))
    with pytest.raises(ServiceError, match="debe conservarse hasta el"):
        service.delete_record(users["quality"], record)
    db.session.rollback()
    assert db.session.get(Record, record.id).state == "active"
    assert store.read(record.files[0].sha256)


def test_an_upload_over_the_limit_stores_nothing(app, make_record, users):
    app.config["MAX_UPLOAD_MB"] = 1
    record = make_record()
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)
    files_before = db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile))
    with pytest.raises(ServiceError, match="supera el tamaño máximo de 1 MB"):
        service.add_file(users["quality"], record, data=big, filename="grande.pdf", reason="anexo")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == files_before
    assert not store.path_for(store.sha256_of(big)).exists()
    assert len(record.files) == 1


@pytest.mark.parametrize("data, message", [
    (b"", "vacío"),
    (b"MZ\x90\x00\x03\x00\x00\x00binary", "No se reconoce"),
    (b"PK\x03\x04not really a zip", "No se reconoce"),
])
def test_unrecognised_uploads_are_refused(make_record, users, data, message):
    record = make_record()
    with pytest.raises(ServiceError, match=message):
        service.add_file(users["quality"], record, data=data, filename="x.exe", reason="r")


def test_only_the_committee_registers_records(users, record_types, process):
    with pytest.raises(PermissionDenied):
        service.create_record(users["auditor"], record_type=record_types["INF-AUD"], title="x",
                              record_date=date(2020, 1, 1), data=pdf_bytes(), filename="x.pdf")


def test_other_modules_register_produced_records(users, record_types, process):
    """GIVEN an audit module that generated its report
    WHEN it registers it THEN a linked record exists; a regenerated report is added to it."""
    record = service.register_produced_record(
        users["auditor"], type_code="INF-AUD", title="Informe AUD-2026-03", record_date=date(2025, 5, 2),
        process=process, region_code="V", data=docx_bytes("informe"), filename="AUD-2026-03.docx",
        content_type="application/octet-stream", source_kind="audit", source_id=3)
    db.session.commit()
    assert record.region_code == "V" and record.source_kind == "audit"
    assert [(l.kind, l.object_id) for l in record.links] == [("audit", 3)]
    assert service.records_linked_to("audit", 3) == [record]
    again = service.register_produced_record(
        users["auditor"], type_code="INF-AUD", title="Informe AUD-2026-03", record_date=date(2025, 5, 2),
        data=docx_bytes("informe corregido"), filename="AUD-2026-03.docx", content_type="x",
        source_kind="audit", source_id=3)
    assert again is record and len(record.files) == 2 and record.files[1].reason
    with pytest.raises(ServiceError, match="No existe el tipo de registro"):
        service.register_produced_record(users["auditor"], type_code="NOPE", title="x", record_date=date(2025, 1, 1),
                                         data=pdf_bytes(), filename="x.pdf", content_type="", source_kind="audit",
                                         source_id=1)


def test_default_record_types_load_once(app):
    from qms.records.defaults import DEFAULT_RECORD_TYPES, load_default_record_types

    load_default_record_types()  # qms init (load_reference_data) may already have run it
    db.session.commit()
    assert load_default_record_types() == 0
    edited = db.session.scalar(sa.select(RecordType).where(RecordType.code == "INF-AUD"))
    edited.retention_years = 7  # an administrator's change is never overwritten
    db.session.delete(db.session.scalar(sa.select(RecordType).where(RecordType.code == "LIST-CAP")))
    db.session.commit()
    assert load_default_record_types() == 1
    assert edited.retention_years == 7
    assert db.session.scalar(sa.select(sa.func.count(RecordType.id))) == len(DEFAULT_RECORD_TYPES)
    codes = set(db.session.scalars(sa.select(RecordType.code)))
    assert {"INF-AUD", "INF-AC", "REG-PNC", "ACTA-RD", "LIST-CAP", "INF-DIAG", "PLAN-TRI", "PROG-TRAB",
            "CERT-DISP"} <= codes


def test_record_types_for_choice_lists_active_types(record_types):
    assert "INF-AUD" in [t.code for t in service.record_types_for_choice()]


def test_record_type_validation(users, record_types):
    with pytest.raises(ServiceError, match="Ya existe"):
        service.save_record_type(users["quality"], None, code="inf-aud", name="x", retention_years=1)
    with pytest.raises(ServiceError, match="plazo"):
        service.save_record_type(users["quality"], None, code="NEW", name="x", disposition="destroy")
    with pytest.raises(ServiceError, match="al menos un rol"):
        service.save_record_type(users["quality"], None, code="NEW", name="x", retention_years=1, is_confidential=True)
    with pytest.raises(PermissionDenied):
        service.save_record_type(users["auditor"], None, code="NEW", name="x", retention_years=1)
