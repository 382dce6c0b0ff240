"""«Autorizó» the treatment: signed with the authoriser's password, or the record says who registered it."""
import io
from datetime import date

import docx
import pytest
from freezegun import freeze_time

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.nonconformities import service
from qms.storage import store
from tests.audits.factories import NOON
from tests.conftest import PASSWORD


def _treated(users, process, *, password="", authoriser="approver"):
    pnc = service.report(users["staff"], output_kind="service", product="Certificado de residencia", process=process,
                         region_code=None, description="RUT equivocado.", detected_on=date(2026, 3, 5))
    service.treat(users["quality"], pnc, treatment="correction", disposition="Certificado nuevo.",
                  authorised_by=users[authoriser], treated_on=date(2026, 3, 6), password=password)
    db.session.commit()
    return pnc


def _close(users, pnc):
    service.reverify(users["quality"], pnc, conforming=True, notes="Correcto.", on=date(2026, 3, 7))
    db.session.commit()
    report = docx.Document(io.BytesIO(store.read(pnc.report_sha256)))
    return [[c.text for c in row.cells] for t in report.tables for row in t.rows]


@freeze_time(NOON)
def test_unsigned_authorisation_prints_registrado_por_not_a_signature(app, users, process):
    pnc = _treated(users, process)
    assert not pnc.is_authorisation_signed and pnc.treatment_recorded_by_id == users["quality"].id
    rows = _close(users, pnc)
    cells = [c for row in rows for c in row]
    assert "Corrección (autorizó: Persona Approver, sin firma; registrado por Persona Quality)" in cells
    assert not any(row[0] == "Autorizó el tratamiento" for row in rows)
    assert any(row[0] == "Registrado por (tratamiento)" and row[1] == "Persona Quality" for row in rows)


@freeze_time(NOON)
def test_the_authoriser_signs_with_their_password(app, users, process):
    pnc = _treated(users, process)
    with pytest.raises(PermissionDenied):
        service.sign_authorisation(users["quality"], pnc, PASSWORD)
    with pytest.raises(ServiceError):
        service.sign_authorisation(users["approver"], pnc, "no-es-su-clave")
    db.session.rollback()
    assert not pnc.is_authorisation_signed
    service.sign_authorisation(users["approver"], pnc, PASSWORD)
    db.session.commit()
    rows = _close(users, pnc)
    assert any(row[0] == "Autorizó el tratamiento" and row[1] == "Persona Approver" for row in rows)


@freeze_time(NOON)
def test_the_committee_member_who_authorises_signs_in_the_treatment_form(app, users, process):
    pnc = _treated(users, process, authoriser="quality", password=PASSWORD)
    assert pnc.is_authorisation_signed
    with pytest.raises(ServiceError) as refused:
        _treated(users, process, authoriser="approver", password=PASSWORD)  # quality's password for approver
    assert refused.value.field == "password"


@freeze_time(NOON)
def test_the_page_offers_the_signature_to_the_authoriser_only(app, client, login, users, process):
    pnc = _treated(users, process)
    login("quality")
    assert 'id="sign-authorisation"' not in client.get(f"/pnc/{pnc.code}").get_data(as_text=True)
    client.post("/salir")
    login("approver")
    assert "Tratamientos de PNC por firmar" in client.get("/", follow_redirects=True).get_data(as_text=True)
    html = client.get(f"/pnc/{pnc.code}").get_data(as_text=True)
    assert 'id="sign-authorisation"' in html and "sin firma; registrado por Persona Quality" in html
    client.post(f"/pnc/{pnc.code}/firmar-autorizacion", data={"password": PASSWORD})
    db.session.expire_all()
    assert pnc.is_authorisation_signed
