"""Record links name objects that exist and the user may open, picked from search (issue 13, item 10)."""
from datetime import date

import pytest
from freezegun import freeze_time

from qms.errors import ServiceError
from qms.extensions import db
from qms.records import service
from tests.audits.factories import NOON, nonconformity, own_process, started_audit


@pytest.fixture
def audit(app, users, process, record_types):
    with freeze_time(NOON):
        own_process(process, users)
        return started_audit(users, process)


@freeze_time(NOON)
def test_a_link_to_an_object_that_does_not_exist_is_refused(users, make_record, audit):
    record = make_record()
    with pytest.raises(ServiceError) as error:
        service.add_link(users["quality"], record, kind="audit", object_id=audit.id + 100)
    assert error.value.field == "object_id" and "No existe ese objeto de tipo «auditoría»" in error.value.message
    db.session.rollback()
    with pytest.raises(ServiceError):
        service.add_link(users["quality"], record, kind="management_review", object_id=1)
    db.session.rollback()
    link = service.add_link(users["quality"], record, kind="audit", object_id=audit.id, label="lo que sea")
    assert (link.object_id, link.label) == (audit.id, f"{audit.code} · {audit.title}")


@freeze_time(NOON)
def test_a_link_to_an_object_the_user_may_not_open_is_refused(users, make_record, process, audit):
    from qms.nonconformities import service as pncs

    from qms.auth import service as auth
    from qms.auth.models import Role
    from qms.core import permissions as P

    pnc = pncs.report(users["staff"], output_kind="service", product="Certificado", process=process,
                      region_code=None, description="RUT equivocado.", detected_on=date(2026, 3, 9))
    db.session.add(Role(name="archivo", label="Archivo", permissions=[P.RECORD_MANAGE, P.RECORD_READ]))
    db.session.flush()
    clerk = auth.create_user(None, username="archivo", full_name="Encargada de Archivo", password="clave-de-prueba-1",
                             roles=["archivo"], position="Archivo")
    db.session.commit()
    record = make_record()
    with pytest.raises(ServiceError) as error:
        service.add_link(clerk, record, kind="nonconformity", object_id=pnc.id)
    assert "no tiene acceso" in error.value.message


@freeze_time(NOON)
def test_the_picker_suggests_from_search_and_the_page_links_by_code(client, login, users, make_record, audit):
    finding, action = nonconformity(users, audit)
    record = make_record()
    login("quality")
    options = client.get("/registros/vinculos/opciones?kind=audit&q=gestión territorial").get_json()
    assert options == [{"id": audit.id, "label": f"{audit.code} · {audit.title}"}]
    findings = client.get("/registros/vinculos/opciones?kind=finding&q=gestión territorial").get_json()
    assert [o["id"] for o in findings] == [finding.id]
    actions = client.get(f"/registros/vinculos/opciones?kind=action&q={action.code}").get_json()
    assert [o["id"] for o in actions] == [action.id]
    # the picker's choice (an id) and a typed code without scripts both link
    assert client.post(f"/registros/{record.id}/vinculos", data={
        "kind": "finding", "target": findings[0]["label"], "object_id": finding.id}).status_code == 302
    assert client.post(f"/registros/{record.id}/vinculos", data={
        "kind": "audit", "target": audit.code}).status_code == 302
    db.session.expire_all()
    assert sorted((l.kind, l.object_id) for l in record.links) == [("audit", audit.id), ("finding", finding.id)]
    response = client.post(f"/registros/{record.id}/vinculos", data={"kind": "audit", "target": "AUD-1999-99"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "No existe ese objeto" in page and 'value="AUD-1999-99"' in page
