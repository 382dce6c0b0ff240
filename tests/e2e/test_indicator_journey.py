"""From a measurement to an approved management review, in the browser (issue 16's journey):
the responsible enters a quarter with its evidence, the committee confirms it, the dashboard
shows it red, a corrective action is raised from it, a management review is held and
approved, and its acta downloads. The dashboard is also looked at on a laptop and a phone."""
import os
import re
from datetime import timedelta

import pytest

from qms.extensions import db
from qms.indicators.periods import closed_by
from qms.timeutil import today_local
from tests.audits.factories import load_record_types
from tests.conftest import PASSWORD
from tests.e2e.test_phone_layout import OVERFLOW, PHONE

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QMS_SCREENSHOTS")


def _last_closed_quarter():
    today = today_local()
    closed = closed_by(today.year, "quarterly", today) or closed_by(today.year - 1, "quarterly", today)
    return closed[-1]


def test_measurement_to_approved_review(app, users, process, page_for, live_server, tmp_path):
    from qms.indicators import service as indicators

    load_record_types()
    quarter = _last_closed_quarter()
    indicator = indicators.save_indicator(
        users["quality"], None, name="Reclamos respondidos en plazo", process=process, responsible=users["staff"],
        numerator_definition="Reclamos respondidos en plazo", denominator_definition="Reclamos recibidos",
        pmg_system_code="SIAC")
    indicators.set_target(users["quality"], indicator, year=quarter.year, target="90")
    code = indicator.code
    # Ids read now: a query later would open a transaction in the test's session, and on
    # SQLite it takes the write lock the server then waits for.
    quality_id, approver_id = users["quality"].id, users["approver"].id
    db.session.commit()

    # The responsible enters the quarter and attaches its evidence.
    staff = page_for("staff", PASSWORD)
    staff.goto(f"{live_server}/indicadores/{code}?year={quarter.year}")
    staff.select_option("#period", str(quarter.number))
    staff.fill("#numerator", "30")
    staff.fill("#denominator", "50")
    staff.fill("#comment", "Reporte de la plataforma SIAC")
    staff.click("#enter-measurement button[type=submit]")
    assert "Queda por confirmar" in staff.inner_text(".alert")
    evidence = tmp_path / "reporte.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% reporte trimestral\n")
    row = staff.locator(f"tr[data-period='{quarter.number}']")
    row.locator("input[type=file]").set_input_files(str(evidence))
    row.locator("form[action*='/evidencia'] button").click()
    assert "Se adjuntó «reporte.pdf»" in staff.inner_text(".alert")

    # The committee confirms it: red, and a corrective action is raised from it.
    quality = page_for("quality", PASSWORD)
    quality.goto(f"{live_server}/indicadores/{code}?year={quarter.year}")
    row = quality.locator(f"tr[data-period='{quarter.number}']")
    row.locator("form[action*='/confirmar'] button").click()
    row = quality.locator(f"tr[data-period='{quarter.number}']")
    assert row.locator("[data-band=fails]").count() == 1
    quality.goto(f"{live_server}/tablero?year={quarter.year}")
    assert "No cumple: 1" in quality.inner_text("#traffic-light")
    assert quality.locator("canvas.qms-chart").count() >= 5
    quality.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 5")
    quality.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    if SHOTS:
        quality.screenshot(path=os.path.join(SHOTS, "dashboard-laptop.png"), full_page=True)
    quality.goto(f"{live_server}/indicadores/{code}?year={quarter.year}")
    quality.locator(f"tr[data-period='{quarter.number}'] form[action*='/accion'] button").click()
    action_code = re.search(r"AC-\d{4}-\d{3}", quality.inner_text(".alert")).group(0)
    assert action_code in quality.inner_text("#periods")

    # A management review is planned, analysed, held, decided...
    quality.goto(f"{live_server}/revisiones/nueva")
    start, held = quarter.start, today_local()
    quality.fill("#period_start", start.isoformat())
    quality.fill("#period_end", (held - timedelta(days=1)).isoformat())
    quality.fill("#planned_on", held.isoformat())
    quality.select_option("#participants", [str(quality_id), str(approver_id)])
    quality.fill("#agenda", "1. Entradas.\n2. Decisiones.")
    quality.click("main button[type=submit]")
    quality.click("main .list-group a")
    assert code in quality.inner_text("#input-c5_monitoring")
    for area in quality.locator("#analysis-form textarea").all():
        area.fill("El comité revisó esta entrada.")
    quality.click("#analysis-form button[type=submit]")
    quality.check(f"#attended_{approver_id}")
    quality.fill("#held_on", held.isoformat())
    quality.click("#hold-form button[type=submit]")
    assert "congeladas" in quality.inner_text("#pack-state")
    quality.fill("#description", "Reforzar la respuesta de reclamos en plazo")
    quality.fill("#due_date", (held + timedelta(days=60)).isoformat())
    quality.check("#raise_action")
    quality.click("#decision-form button[type=submit]")
    assert "se abrió la acción" in quality.inner_text(".alert")
    review_url = quality.url

    # ...and approved by the head of service, whose acta downloads.
    head = page_for("approver", PASSWORD)
    head.goto(review_url)
    head.fill("#password", PASSWORD)
    head.click("#approve-form button[type=submit]")
    assert "Acta aprobada" in head.inner_text(".alert")
    with head.expect_download() as info:
        head.click("#download-acta")
    assert info.value.suggested_filename.startswith("RD-") and info.value.suggested_filename.endswith(".docx")

    # The dashboard fits a phone.
    phone = page_for("quality", PASSWORD)
    phone.set_viewport_size(PHONE)
    phone.goto(f"{live_server}/tablero?year={quarter.year}")
    phone.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 5")
    layout = phone.evaluate(OVERFLOW)
    assert layout["scrollWidth"] <= layout["width"] + 1 and not layout["bad"], layout
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "dashboard-phone.png"), full_page=True)
