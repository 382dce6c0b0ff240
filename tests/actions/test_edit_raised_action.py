"""An action raised from a finding or a PNC gets its title, immediate correction and owner
on its own page; the correction prints in the report."""
import io
import docx
import pytest
from freezegun import freeze_time

from qms.extensions import db
from qms.trail.models import AuditEntry
from tests.audits.factories import NOON, nonconformity, own_process, started_audit


@pytest.fixture
def raised(app, users, process):
    with freeze_time(NOON):
        own_process(process, users)
        _finding, action = nonconformity(users, started_audit(users, process))
    return action


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@freeze_time(NOON)
def test_the_owner_sets_title_and_correction_and_the_report_prints_it(app, client, login, users, raised):
    login("staff")  # the process owner, owner of the raised action
    detail = client.get(f"/acciones/{raised.code}").get_data(as_text=True)
    assert f'href="/acciones/{raised.code}/editar"' in detail
    form = _page(client, f"/acciones/{raised.code}/editar")
    assert 'name="correction"' in form and 'name="owner_id"' not in form  # only the committee hands it over
    response = client.post(f"/acciones/{raised.code}/editar", data={
        "title": "Copias no controladas en partes", "kind": "corrective",
        "problem": raised.problem, "correction": "Se retiró la copia del mesón el mismo día.",
        "owner_id": str(users["quality"].id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert raised.title == "Copias no controladas en partes"
    assert raised.correction == "Se retiró la copia del mesón el mismo día."
    assert raised.owner_id == users["staff"].id
    entry = db.session.query(AuditEntry).filter_by(action="action.edited").one()
    assert entry.details["correction"] == ["", "Se retiró la copia del mesón el mismo día."]
    report = docx.Document(io.BytesIO(client.get(f"/acciones/{raised.code}/informe").data))
    body = [p.text for p in report.paragraphs]
    assert "Se retiró la copia del mesón el mismo día." in body


@freeze_time(NOON)
def test_the_committee_changes_the_owner(app, client, login, users, raised):
    login("quality")
    form = _page(client, f"/acciones/{raised.code}/editar")
    assert 'name="owner_id"' in form
    client.post(f"/acciones/{raised.code}/editar", data={
        "title": raised.title, "kind": "corrective", "problem": raised.problem,
        "correction": "", "owner_id": str(users["reviewer"].id)})
    db.session.expire_all()
    assert raised.owner_id == users["reviewer"].id


@freeze_time(NOON)
def test_a_refused_edit_keeps_what_was_typed(app, client, login, users, raised):
    login("staff")
    _form = _page(client, f"/acciones/{raised.code}/editar")
    response = client.post(f"/acciones/{raised.code}/editar", data={
        "title": "  ", "kind": "corrective", "problem": raised.problem,
        "correction": "Texto que no se debe perder."})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "El título es obligatorio." in html and "Texto que no se debe perder." in html
    db.session.expire_all()
    assert raised.correction == ""


@freeze_time(NOON)
def test_someone_else_cannot_open_the_edit_page(app, client, login, users, raised):
    login("auditor")
    assert client.get(f"/acciones/{raised.code}/editar").status_code == 404
