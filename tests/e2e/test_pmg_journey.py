"""The committee follows the PMG year in the browser: diagnosis, scope, a work programme the
head of service approves, an activity completed by approving the procedure it names, and
the objective fulfilled with that procedure among its medios de verificación."""
from datetime import date

import pytest

from qms.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_pmg_journey(app, users, process, make_document, page_for, live_server, tmp_path):
    from qms.pmg import service

    # GIVEN 2026 committed at Etapa 1, the Manual in force, a procedure waiting for approval, and the
    # audit and CAPA reports of the year kept as uploaded medios de verificación.
    make_document(title="Manual de la Calidad", type_code="MC", state="effective")
    procedure = make_document(title="Atención en terreno", state="in_approval")
    quality = users["quality"]
    service.commit(quality, year=2026, stage=1)
    objective = next(o for o in service.ensure_reference(quality, 2026) if o.number == 4)
    for kind in ("internal_audits", "capa"):
        service.upload_evidence(quality, objective, kind=kind, title=f"Informe {kind} 2026",
                                record_date=date(2026, 6, 30), data=b"%PDF-1.4 informe", filename=f"{kind}.pdf")
    db.session.commit()
    # Read what the browser needs now, then hold no transaction while the server writes.
    process_id, procedure_id, procedure_code, name = process.id, procedure.id, procedure.code, quality.full_name
    db.session.close()

    committee = page_for("quality", PASSWORD)
    committee.goto(f"{live_server}/pmg/2026/diagnostico")
    form = committee.locator("#assess-form")
    form.locator("#process_id").select_option(label="GT Gestión Territorial")
    form.locator("#clause_number").select_option(value="8.5")
    form.locator("#rating").select_option(value="partial")
    form.locator("#evidence").fill("Instructivos de terreno.")
    form.locator("button[type=submit]").click()
    # A partial clause needs its gap: refused, with the typing kept.
    assert "brecha" in committee.inner_text(".alert-danger").lower()
    assert committee.input_value("#evidence") == "Instructivos de terreno."
    committee.fill("#gap", "Las regiones usan formularios distintos.")
    committee.click("#assess-form button[type=submit]")
    assert "Cumple parcialmente" in committee.inner_text("#assessments")

    committee.goto(f"{live_server}/pmg/2026/alcance")
    committee.check(f"input[name=in_{process_id}]")
    committee.click("#scope-form button[type=submit]")
    assert "Alcance 2026 guardado." in committee.inner_text(".alert")

    committee.goto(f"{live_server}/pmg/2026/programa")
    form = committee.locator("#activity-form")
    form.locator("input[name=title]").fill("Aprobar el procedimiento de atención en terreno")
    form.locator("select[name=responsible_id]").select_option(label=name)
    form.locator("input[name=starts_on]").fill("2026-03-01")
    form.locator("input[name=ends_on]").fill("2026-12-30")
    form.locator("select[name=link_kind]").select_option(value="document")
    form.locator("select[name=link_document]").select_option(value=str(procedure_id))
    form.locator("button[type=submit]").click()
    assert "Actividad 1 agregada." in committee.inner_text(".alert")
    assert "Por iniciar" in committee.inner_text("#activity-1")

    head = page_for("approver", PASSWORD)
    head.goto(f"{live_server}/pmg/2026/programa")
    head.fill("#password", PASSWORD)
    head.click("#approve-form button[type=submit]")
    assert "Aprobado" in head.inner_text("#programme-state")

    # Approving the procedure completes the activity that names it.
    head.goto(f"{live_server}/documentos/{procedure_code}/v/1")
    form = head.locator("form[action$='/accion/approve']")
    form.locator("input[type=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    assert "Vigente" in head.inner_text("main")

    committee.goto(f"{live_server}/pmg/2026/programa")
    assert "Terminada" in committee.inner_text("#activity-1")
    committee.goto(f"{live_server}/pmg/2026")
    card = committee.locator("#objective-4")
    assert "Cumplido" in card.locator(".objective-state").inner_text()
    assert procedure_code in card.locator(".evidence").inner_text()
    committee.screenshot(path=str(tmp_path / "pmg-stage.png"), full_page=True)
