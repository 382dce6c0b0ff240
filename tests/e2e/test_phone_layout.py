"""Every main page of audits, CAPA, PNC and records fits a phone (390×844) and the file check
runs in the browser before sending (issue 13, items 12 and 11)."""
import os
from datetime import date

import pytest

from qms.extensions import db
from tests.audits.factories import load_record_types, nonconformity, own_process, started_audit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: Where screenshots go when QMS_SCREENSHOTS names a folder (to look at them).
SHOTS = os.environ.get("QMS_SCREENSHOTS")

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    // a wide table inside its own scroll box (.table-responsive) is usable: it scrolls, the page does not
    let scroller = el.parentElement, inside = false;
    while (scroller && scroller !== document.body) {
      if (getComputedStyle(scroller).overflowX === 'auto' && scroller.getBoundingClientRect().right <= width + 1) {
        inside = true; break;
      }
      scroller = scroller.parentElement;
    }
    if (inside) continue;
    const narrow = el.matches('input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea, select')
      && box.width < 80;
    if (box.right > width + 1 || box.left < -1 || narrow) {
      bad.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
               + ` [${Math.round(box.left)}–${Math.round(box.right)}]`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, bad: bad.slice(0, 12)};
}"""


@pytest.fixture
def app_overrides():
    return {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True, "MAX_UPLOAD_MB": 1}


@pytest.fixture
def quality_data(app, users, process):
    """An audit in progress with a checklist and a finding, its action with a task, a PNC, a record."""
    from qms.actions import service as actions
    from qms.audits import service as audits
    from qms.nonconformities import service as pncs
    from qms.records import service as records

    load_record_types()
    own_process(process, users, owner="staff")
    audit = started_audit(users, process, start=date.today(), end=date.today())
    audits.add_checklist_item(users["auditor"], audit, question="¿Se usan solo copias vigentes de los documentos "
                              "controlados en todas las oficinas de partes regionales?")
    finding, action = nonconformity(users, audit)
    actions.add_task(users["staff"], action, description="Retirar las copias antiguas de todas las oficinas",
                     responsible=users["staff"], due_date=date.today())
    audits.create_programme(users["quality"], year=date.today().year, objective="Auditar todos los procesos.")
    pnc = pncs.report(users["staff"], output_kind="service", product="Certificado de residencia", process=process,
                      region_code=None, description="Emitido con el RUT equivocado.", detected_on=date.today())
    record = records.create_record(users["quality"], record_type=records.get_type_by_code("INF-AUD"),
                                   title="Informe de auditoría interna", record_date=date(2019, 3, 15),
                                   process=process, data=b"%PDF-1.4\n% informe\n%%EOF\n", filename="informe.pdf")
    data = {"audit": audit.code, "finding": finding.number, "action": action.code, "pnc": pnc.code,
            "record": record.id, "year": date.today().year}
    # Values read before the commit: reading after it would open a transaction that holds
    # SQLite's write lock while the server works.
    db.session.commit()
    return data


def _phone(browser, live_server, username):
    context = browser.new_context(viewport=PHONE, locale="es-CL", device_scale_factor=1, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server}/ingresar")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/pendientes")
    return context, page


def _pages(data):
    audit, action = data["audit"], data["action"]
    return {
        "auditor": [f"/auditorias/", f"/auditorias/{audit}", f"/auditorias/{audit}/hallazgos/{data['finding']}",
                    "/auditorias/trazabilidad", "/auditorias/trazabilidad/7.5.3", f"/acciones/{action}"],
        "quality": ["/auditorias/nueva", "/auditorias/programa", f"/auditorias/programa/{data['year']}",
                    "/acciones/", "/acciones/nueva", "/acciones/seguimiento", "/pnc/", f"/pnc/{data['pnc']}",
                    "/pnc/nuevo", "/registros/", f"/registros/{data['record']}", "/registros/nuevo",
                    f"/registros/{data['record']}/editar", "/registros/tipos", "/registros/disposicion"],
        "staff": [f"/acciones/{action}", f"/acciones/{action}/analisis", "/pnc/nuevo"],
    }


def test_every_page_fits_a_phone(quality_data, browser, live_server):
    problems = {}
    for username, paths in _pages(quality_data).items():
        context, page = _phone(browser, live_server, username)
        for path in paths:
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, path
            if SHOTS:
                page.screenshot(path=os.path.join(SHOTS, f"{username}{path.replace('/', '_')}.png"), full_page=True)
            result = page.evaluate(OVERFLOW)
            if result["scrollWidth"] > result["width"] or result["bad"]:
                problems[f"{username} {path}"] = result
        context.close()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_a_file_too_large_is_refused_in_the_browser_before_sending(quality_data, browser, live_server):
    context, page = _phone(browser, live_server, "quality")
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live_server}/registros/{quality_data['record']}")
    page.set_input_files("input[name=file]", files=[{"name": "grande.pdf", "mimeType": "application/pdf",
                                                      "buffer": b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)}])
    page.fill("textarea[name=reason]", "Acta firmada")
    page.click("text=Agregar archivo")
    assert page.inner_text(".upload-size-error") == "El archivo supera el tamaño máximo de 1 MB; elija uno más pequeño."
    assert sent == [] and page.input_value("textarea[name=reason]") == "Acta firmada"
    # a file within the limit goes through
    page.set_input_files("input[name=file]", files=[{"name": "acta.pdf", "mimeType": "application/pdf",
                                                      "buffer": b"%PDF-1.4\n% acta\n%%EOF\n"}])
    assert page.inner_text(".upload-size-error") == ""
    page.click("text=Agregar archivo")
    page.wait_for_load_state()
    assert "agregado al registro" in page.inner_text(".alert")
    context.close()


def test_the_link_picker_suggests_from_search_and_links_the_chosen_object(quality_data, browser, live_server):
    context, page = _phone(browser, live_server, "quality")
    page.goto(f"{live_server}/registros/{quality_data['record']}")
    page.select_option("select[name=kind]", "audit")
    page.fill("input[name=target]", "gestión territorial")
    option = page.locator("#link-options option").first
    option.wait_for(state="attached")
    label = option.get_attribute("value")
    assert label.startswith(quality_data["audit"])
    page.fill("input[name=target]", label)
    assert page.input_value("input[name=object_id]") != ""
    page.click("text=Vincular")
    page.wait_for_load_state()
    assert "Vínculo agregado." in page.inner_text(".alert")
    assert label in page.inner_text("main")
    context.close()
