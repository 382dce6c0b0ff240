"""A procedure from draft to effective and its second version, as people use the app."""
import pytest
import sqlalchemy as sa

from qms.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign(page, action: str, comment: str = ""):
    form = page.locator(f"form[action$='/accion/{action}']")
    if comment:
        form.locator("textarea").fill(comment)
    form.locator("input[type=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()


def test_procedure_journey(app, users, process, page_for, live_server, tmp_path):
    # The author drafts a procedure in the browser and sends it to review.
    author = page_for("author", PASSWORD)
    author.goto(f"{live_server}/documentos/nuevo")
    author.select_option("#type_id", label="PR · Procedimiento")
    author.fill("#title", "Control de documentos")
    author.click("main button[type=submit]")
    author.wait_for_url("**/documentos/PR-GT-01/v/1/editar")
    author.fill("#s_objetivo", "Asegurar que se usen **solo documentos vigentes**.")
    author.fill("#s_alcance", "- Nivel central\n- Direcciones regionales")
    author.fill("#change_description", "Creación del procedimiento.")
    author.click("button[name=preview]")
    assert author.locator(".preview strong").first.inner_text() == "solo documentos vigentes"
    author.click("button[name=save]")
    assert "Borrador guardado." in author.inner_text(".alert")
    author.goto(f"{live_server}/documentos/PR-GT-01/v/1")
    sign(author, "submit")
    assert "En revisión" in author.inner_text("main")
    author.screenshot(path=str(tmp_path / "01-author.png"), full_page=True)

    # The reviewer finds it in the inbox and passes it on.
    reviewer = page_for("reviewer", PASSWORD)
    reviewer.click("text=PR-GT-01")
    sign(reviewer, "pass_review")
    assert "En aprobación" in reviewer.inner_text("main")

    # The approver signs with the password; a wrong one is refused first.
    approver = page_for("approver", PASSWORD)
    approver.click("text=PR-GT-01")
    form = approver.locator("form[action$='/accion/approve']")
    form.locator("input[type=password]").fill("no-es-la-clave")
    form.locator("button[type=submit]").click()
    assert "La contraseña no es correcta." in approver.inner_text("main")
    sign(approver, "approve")
    assert "Vigente" in approver.inner_text("main")

    # Version 02 starts from the effective content; compare shows the change.
    author.goto(f"{live_server}/documentos/PR-GT-01/v/1")
    author.click("text=Nueva versión")
    author.wait_for_url("**/documentos/PR-GT-01/v/2/editar")
    assert "solo documentos vigentes" in author.input_value("#s_objetivo")
    author.fill("#s_objetivo", "Asegurar que se usen **solo documentos vigentes y aprobados**.")
    author.fill("#change_description", "Se precisa el objetivo.")
    author.click("button[name=save]")
    author.goto(f"{live_server}/documentos/PR-GT-01/v/2")
    sign(author, "submit")
    reviewer.goto(f"{live_server}/documentos/PR-GT-01/v/2")
    sign(reviewer, "pass_review")
    approver.goto(f"{live_server}/documentos/PR-GT-01/v/2")
    sign(approver, "approve")
    approver.goto(f"{live_server}/documentos/PR-GT-01/comparar?a=1&b=2")
    assert "aprobados" in " ".join(approver.locator(".diff ins").all_inner_texts())
    approver.goto(f"{live_server}/documentos/PR-GT-01/v/1")
    assert "Versión obsoleta: no usar." in approver.inner_text("main")

    # Staff on the distribution list acknowledge the new version.
    quality = page_for("quality", PASSWORD)
    quality.goto(f"{live_server}/documentos/PR-GT-01/propiedades")
    quality.check("input[name=distribution_roles][value='%d']" % _role_id("staff"))
    quality.click("main button[type=submit]")
    staff = page_for("staff", PASSWORD)
    staff.click("text=PR-GT-01")
    staff.click("text=Tomar conocimiento")
    assert "Toma de conocimiento registrada." in staff.inner_text(".alert")

    # Every step is in the document's trail.
    quality.goto(f"{live_server}/bitacora/documento/PR-GT-01")
    trail = quality.inner_text("main")
    for action in ("document.created", "version.submit", "version.pass_review", "version.approve",
                   "version.make_effective", "version.make_obsolete", "version.acknowledged"):
        assert action in trail
    quality.screenshot(path=str(tmp_path / "02-trail.png"), full_page=True)


def _role_id(name):
    from qms.auth.models import Role

    role_id = db.session.scalar(sa.select(Role.id).where(Role.name == name))
    db.session.rollback()
    return role_id
