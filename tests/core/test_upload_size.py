"""A file over the upload limit is a Spanish message on the page, with the form as typed (issue 13, item 11)."""
import io

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.extensions import db
from tests.audits.factories import NOON, load_record_types, nonconformity, own_process, started_audit

MB = 1024 * 1024


@pytest.fixture
def app_overrides():
    return {"MAX_UPLOAD_MB": 1}


@pytest.fixture(autouse=True)
def record_types(app):
    load_record_types()


def _post(client, url, data):
    """POST a multipart form; return (status, page), closing the spooled body the test client wrote."""
    response = client.post(url, data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    response.close()
    response.request.environ["wsgi.input"].close()
    return response.status_code, page


def _pdf(size: int) -> io.BytesIO:
    return io.BytesIO(b"%PDF-1.4\n" + b"0" * size)


def test_the_hard_cap_leaves_room_for_a_file_somewhat_too_large(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 3 * MB


@freeze_time(NOON)
def test_a_finding_attachment_too_large_shows_the_finding_with_the_message(client, login, users, process):
    own_process(process, users)
    audit = started_audit(users, process)
    finding, _action = nonconformity(users, audit)
    login("auditor")
    status, page = _post(client, f"/auditorias/{audit.code}/hallazgos/{finding.number}/anexos",
                         {"file": (_pdf(int(1.5 * MB)), "grande.pdf")})
    assert status == 400
    assert "El archivo supera el tamaño máximo de 1 MB; elija uno más pequeño." in page
    assert f"Hallazgo {finding.label}" in page
    db.session.refresh(finding)
    assert finding.attachments == []


def test_a_new_record_with_a_file_too_large_keeps_what_was_typed(client, login, users, process):
    from qms.records import service
    from qms.records.models import Record

    login("quality")
    status, page = _post(client, "/registros/nuevo", {
        "type_id": service.get_type_by_code("INF-AUD").id, "title": "Acta escrita con cuidado",
        "record_date": "2026-03-09", "process_id": process.id, "region_code": "",
        "description": "Descripción que no debe perderse", "file": (_pdf(int(1.5 * MB)), "grande.pdf")})
    assert status == 200 and "supera el tamaño máximo de 1 MB" in page
    assert 'value="Acta escrita con cuidado"' in page and "Descripción que no debe perderse" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 0


def test_a_body_beyond_the_hard_cap_is_a_spanish_page_not_a_bare_413(client, login, users):
    login("quality")
    status, page = _post(client, "/registros/nuevo", {"title": "x", "file": (_pdf(4 * MB), "enorme.pdf")})
    assert status == 413
    assert "El archivo supera el tamaño máximo de 1 MB" in page and "Vuelva atrás" in page


def test_every_page_tells_the_browser_the_limit(client, login, users):
    login("quality")
    assert 'data-max-upload-mb="1"' in client.get("/registros/nuevo").get_data(as_text=True)
