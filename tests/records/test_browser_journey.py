"""A record from upload to signed disposition, in a real browser."""
from datetime import date

import pytest
import sqlalchemy as sa

from qms.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARGS, CHROMIUM, browser, live_server, page_for  # noqa: F401  (fixtures)
from tests.records.conftest import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def app_overrides():
    return {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True}


def test_record_journey(app, users, process, record_types, page_for, live_server):
    from qms.records.models import Record

    # The committee registers an old nonconforming-output record with its file.
    quality = page_for("quality", PASSWORD)
    quality.goto(f"{live_server}/registros/nuevo")
    quality.select_option("#type_id", label="REG-PNC · Registro de producto / servicio no conforme")
    quality.fill("#title", "Certificado emitido con RUT erróneo")
    quality.fill("#record_date", "2015-01-10")
    quality.set_input_files("#file", files=[{"name": "pnc.pdf", "mimeType": "application/pdf",
                                              "buffer": pdf_bytes("pnc")}])
    quality.click("main form button[type=submit]")
    quality.wait_for_url("**/registros/*")
    assert "REG-PNC-2015-001" in quality.inner_text("main")
    assert "Plazo cumplido" in quality.inner_text("main")

    # Early deletion is not a button that works: it explains itself.
    quality.click("text=Eliminar registro…")
    assert "disposición aprobada" in quality.inner_text(".alert")

    # The committee proposes its disposition.
    quality.goto(f"{live_server}/registros/disposicion")
    quality.check("input[name=record_ids]")
    quality.fill("#comment", "Plazo de 3 años cumplido según la tabla de retención.")
    quality.click("text=Proponer disposición")
    assert "queda pendiente de la firma" in quality.inner_text(".alert")
    batch_url = quality.url

    # The approver signs it with the password; the certificate is offered.
    approver = page_for("approver", PASSWORD)
    approver.goto(batch_url)
    form = approver.locator("form[action$='/aprobar']")
    form.locator("input[type=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    assert "Disposición aprobada y ejecutada" in approver.inner_text(".alert")
    assert approver.locator("text=Descargar certificado de disposición (Word)").count() == 1

    db.session.expire_all()
    record = db.session.scalar(sa.select(Record).where(Record.code == "REG-PNC-2015-001"))
    assert record.state == "disposed" and record.record_date == date(2015, 1, 10)
