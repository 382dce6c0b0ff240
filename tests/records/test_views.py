"""Register pages, export, downloads verified against the checksum, confidentiality per role."""
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from qms.auth.models import Role
from qms.extensions import db
from qms.records import service
from qms.records.models import Record
from qms.storage import store
from qms.trail.models import AuditEntry
from tests.records.conftest import pdf_bytes


@pytest.fixture
def confidential(make_record, users):
    """A confidential type readable only by the approver role, with one record."""
    roles = db.session.scalars(sa.select(Role).where(Role.name == "approver")).all()
    record_type = service.save_record_type(users["quality"], None, allowed_roles=roles, code="EVAL-DES",
                                           name="Evaluación de desempeño", retention_years=5, is_confidential=True)
    # Registered by another module (the committee itself may not register into a type it cannot see).
    record = service.register_produced_record(
        users["auditor"], type_code="EVAL-DES", title="Evaluación confidencial de Juana Pérez",
        record_date=date(2024, 1, 1), data=pdf_bytes("juana"), filename="evaluacion.pdf", content_type="",
        source_kind="action", source_id=1)
    db.session.commit()
    return record


def test_register_filters_and_paginates(client, login, make_record):
    make_record(title="Informe de auditoría 2019", record_date=date(2019, 3, 15))
    make_record(type_code="REG-PNC", title="Servicio no conforme 2024", record_date=date(2024, 5, 5), region_code="V")
    login("auditor")
    page = client.get("/registros/").get_data(as_text=True)
    assert "Informe de auditoría 2019" in page and "Servicio no conforme 2024" in page
    page = client.get("/registros/?year=2024").get_data(as_text=True)
    assert "Informe de auditoría 2019" not in page and "Servicio no conforme 2024" in page
    page = client.get("/registros/?region=V").get_data(as_text=True)
    assert "Informe de auditoría 2019" not in page
    page = client.get("/registros/?retention=expired").get_data(as_text=True)
    assert "Informe de auditoría 2019" in page and "Servicio no conforme 2024" not in page
    assert client.get("/registros/?page=99").status_code == 200


def test_export_is_a_workbook_with_the_filtered_rows(client, login, make_record):
    make_record(title="Informe de auditoría 2019")
    login("quality")
    with client.get("/registros/exportar.xlsx") as response:
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Código" and rows[1][1] == "Informe de auditoría 2019"


def test_export_costs_the_same_statements_for_few_or_many_records(client, login, make_record, monkeypatch):
    from qms.records import export
    from tests.statements import statements_for

    monkeypatch.setattr(export, "EXPORT_BATCH", 10)  # several batches with few rows
    make_record(title="Informe 0")
    login("quality")
    statements_for(client, "/registros/exportar.xlsx")  # the session's first request loads more
    one = statements_for(client, "/registros/exportar.xlsx")
    for n in range(1, 9):
        make_record(title=f"Informe {n}")
    nine = statements_for(client, "/registros/exportar.xlsx")
    assert nine == one  # one batch: no statement per row
    for n in range(9, 25):
        make_record(title=f"Informe {n}")
    with client.get("/registros/exportar.xlsx") as response:
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 25 and rows[0][3].value == "15-03-2019"
    assert statements_for(client, "/registros/exportar.xlsx") <= one + 2 * 5  # three batches, not 25 rows


@pytest.mark.parametrize("role, sees", [("approver", True), ("quality", False), ("auditor", False)])
def test_confidential_records_are_seen_only_by_named_roles(client, login, confidential, role, sees):
    login(role)
    assert client.get(f"/registros/{confidential.id}").status_code == (200 if sees else 404)
    assert client.get(f"/registros/{confidential.id}/archivos/{confidential.files[0].id}").status_code == \
        (200 if sees else 404)
    listing = client.get("/registros/").get_data(as_text=True)
    assert ("Juana Pérez" in listing) is sees
    with client.get("/registros/exportar.xlsx") as export:
        cells = [c for row in openpyxl.load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True)
                 for c in row]
    assert ("Evaluación confidencial de Juana Pérez" in cells) is sees


def test_confidential_records_in_search(app, users, confidential, make_record):
    from qms.records import indexing

    make_record(title="Informe abierto")
    entry = indexing.to_entry(confidential)
    assert entry.visibility == {f"user:{users['approver'].id}"}
    assert indexing.visible_ids(db.session, users["quality"], [confidential.id]) == set()
    assert indexing.visible_ids(db.session, users["approver"], [confidential.id]) == {confidential.id}
    found = indexing.fallback(db.session, users["auditor"], "Informe", 20)
    assert [e.title for e in found] == ["Informe abierto"]
    assert indexing.fallback(db.session, users["staff"], "Informe", 20) == []
    assert indexing.lookup_code(db.session, users["quality"], confidential.code.replace("-", "")) is None


def test_staff_without_record_read_gets_403(client, login, make_record):
    record = make_record()
    login("staff")
    assert client.get("/registros/").status_code == 403
    assert client.get(f"/registros/{record.id}").status_code == 403


def test_download_is_verified_against_the_checksum(client, login, make_record):
    record = make_record(data=pdf_bytes("original"))
    login("auditor")
    ok = client.get(f"/registros/{record.id}/archivos/{record.files[0].id}")
    assert ok.status_code == 200 and ok.data == pdf_bytes("original")
    path = store.path_for(record.files[0].sha256)
    damaged = bytearray(path.read_bytes())
    damaged[3] ^= 0x01
    path.chmod(0o600)
    path.write_bytes(bytes(damaged))
    response = client.get(f"/registros/{record.id}/archivos/{record.files[0].id}")
    assert response.status_code == 500
    assert "no coincide con su suma de verificación" in response.get_data(as_text=True)
    assert bytes(damaged) not in response.data
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == str(record.id))).all()
    assert "record.file_corrupt" in actions and "record.file_downloaded" in actions


def test_bad_input_through_the_pages_changes_nothing(app, client, login, make_record):
    record = make_record(record_date=date(2025, 1, 2))
    login("quality")
    response = client.post(f"/registros/{record.id}/eliminar", follow_redirects=True)
    assert "debe conservarse hasta el" in response.get_data(as_text=True)
    response = client.post(f"/registros/{record.id}/archivos", data={
        "file": (io.BytesIO(pdf_bytes("anexo")), "anexo.pdf"), "reason": ""},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Indique el motivo" in response.get_data(as_text=True)
    app.config["MAX_UPLOAD_MB"] = 1
    response = client.post(f"/registros/{record.id}/archivos", data={
        "file": (io.BytesIO(b"%PDF-" + b"0" * (1024 * 1024 + 10)), "grande.pdf"), "reason": "anexo"},
        content_type="multipart/form-data", follow_redirects=True)
    assert "supera el tamaño máximo de 1 MB" in response.get_data(as_text=True)
    response.close()  # the page is shown again (no redirect to follow): close the spooled request body
    db.session.expire_all()
    record = db.session.get(Record, record.id)
    assert record.state == "active" and len(record.files) == 1


def test_new_record_and_type_pages(client, login, users, record_types, process):
    login("quality")
    assert client.get("/registros/nuevo").status_code == 200
    response = client.post("/registros/nuevo", data={
        "type_id": record_types["LIST-CAP"].id, "title": "Lista de asistencia capacitación ISO",
        "record_date": "2025-03-10", "process_id": process.id, "region_code": "",
        "file": (io.BytesIO(b"nombre;rut\nAna;1-9\n"), "asistencia.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    record = db.session.scalar(sa.select(Record).where(Record.title == "Lista de asistencia capacitación ISO"))
    assert record.files[0].content_type == "text/csv" and record.retention_until == date(2028, 3, 10)
    assert client.get("/registros/tipos").status_code == 200
    response = client.post("/registros/tipos/nuevo", data={
        "code": "ACTA-CC", "name": "Acta del comité de calidad", "producing_document_id": 0, "keeper": "Calidad",
        "location": "QMS", "retention_years": 2, "retention_months": 0, "disposition": "destroy", "is_active": "y"})
    assert response.status_code == 302
    assert service.get_type_by_code("ACTA-CC").retention_label == "2 años"


def test_disposition_journey_through_the_pages(client, login, make_record, users):
    from qms.timeutil import clock_at
    from tests.conftest import PASSWORD
    from tests.records.conftest import moment

    with clock_at(moment(date(2020, 1, 1))):
        record = make_record(record_date=date(2019, 3, 15))
    with clock_at(moment(date(2026, 6, 1))):
        login("quality")
        page = client.get("/registros/disposicion").get_data(as_text=True)
        assert record.code in page
        response = client.post("/registros/disposicion/proponer", data={"record_ids": [record.id], "comment": "Plazo"})
        assert response.status_code == 302
        batch_url = response.headers["Location"]
        client.post("/salir")
        login("approver")
        page = client.post(batch_url + "/aprobar", data={"password": "mala"})
        assert page.status_code == 400 and "La contraseña no es correcta" in page.get_data(as_text=True)
        response = client.post(batch_url + "/aprobar", data={"password": PASSWORD}, follow_redirects=True)
        assert "Disposición aprobada y ejecutada" in response.get_data(as_text=True)
        certificate = client.get(batch_url + "/certificado.docx")
        assert certificate.status_code == 200 and certificate.data.startswith(b"PK")
    assert db.session.get(Record, record.id).state == "disposed"


def test_the_committee_cannot_register_into_a_confidential_type_it_cannot_see(confidential, users):
    from qms.errors import ServiceError

    with pytest.raises(ServiceError, match="confidencial"):
        service.create_record(users["quality"], record_type=confidential.type, title="x", record_date=date(2024, 1, 1),
                              data=pdf_bytes("x"), filename="x.pdf")


def test_type_pages_edit_and_hold(client, login, users, record_types):
    record_type = record_types["INF-AC"]
    login("quality")
    assert client.get(f"/registros/tipos/{record_type.id}").status_code == 200
    response = client.post(f"/registros/tipos/{record_type.id}/retencion-legal",
                           data={"is_on_hold": "y", "reason": ""}, follow_redirects=True)
    assert "Indique el motivo de la retención legal" in response.get_data(as_text=True)
    client.post(f"/registros/tipos/{record_type.id}/retencion-legal", data={"is_on_hold": "y", "reason": "Oficio 7"})
    db.session.expire_all()
    assert db.session.get(type(record_type), record_type.id).is_on_legal_hold
    assert client.get("/registros/tipos/999999").status_code == 404
