"""Word and search journeys in a running server, through Chromium: one hit per version while an
author saves, a Word round trip with a switch back to sections, a non-conforming file refused,
and an image placed in a section that reaches the Word copy."""
import io
import pathlib
import shutil
import subprocess

import docx
import pytest
from PIL import Image

from qms.extensions import db
from tests.conftest import PASSWORD, walk_to

pytestmark = pytest.mark.browser


def release(document) -> str:
    """Return the document's code and end the test's transaction: on SQLite an open read
    would keep the server's writes waiting."""
    code = document.code
    db.session.commit()
    return code


def sign(page, action: str):
    form = page.locator(f"form[action$='/accion/{action}']")
    form.locator("input[type=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()


def _heading_paragraph(document, title):
    return next(p for p in document.paragraphs if p.style.name == "Heading 1" and p.text.endswith(title))


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return pathlib.Path(info.value.path()).read_bytes()


def test_staff_search_lists_the_effective_version_once_while_the_author_saves(
        app, users, make_document, page_for, live_server, tmp_path):
    from qms.documents import service

    document = make_document(title="Control de inventario", state="effective",
                             sections={"objetivo": "Registrar el inventario anual."})
    service.start_revision(users["author"], document)
    db.session.commit()
    code = release(document)
    staff = page_for("staff", PASSWORD)
    author = page_for("author", PASSWORD)
    for n in range(10):
        author.goto(f"{live_server}/documentos/{code}/v/2/editar")
        author.fill("#s_objetivo", f"Borrador {n}: registrar el inventario cada semestre.")
        author.fill("#change_description", "Se cambia la frecuencia.")
        author.click("button[name=save]")
        assert "Borrador guardado." in author.inner_text(".alert")
        staff.goto(f"{live_server}/buscar?q=inventario")
        links = staff.locator(f"a.fw-semibold[href='/documentos/{code}/v/1']")
        assert links.count() == 1, f"after save {n + 1}"
        assert staff.locator(f"a[href='/documentos/{code}/v/2']").count() == 0
    staff.screenshot(path=str(tmp_path / "search.png"), full_page=True)


def test_word_round_trip_and_back_to_sections(app, users, make_document, page_for, live_server, tmp_path):
    code = release(make_document())
    author = page_for("author", PASSWORD)
    author.goto(f"{live_server}/documentos/{code}/v/1")
    assert "Modo de redacción: por secciones" in author.inner_text("main")
    copy = docx.Document(io.BytesIO(_download(author, "text=Descargar para editar en Word")))
    heading = _heading_paragraph(copy, "Objetivo")._element
    objetivo = next(p for p in copy.paragraphs if p._element is heading.getnext())
    objetivo.text = "Objetivo reescrito en Word por la autora."
    edited = tmp_path / "editado.docx"
    copy.save(edited)
    author.click("text=Subir archivo Word")
    author.set_input_files("input[type=file]", str(edited))
    author.click("main button[type=submit]")
    main = author.inner_text("main")
    assert "Modo de redacción: archivo Word" in main and "✓ 1. Objetivo" in main
    author.goto(f"{live_server}/documentos/{code}/v/1/editar")
    assert author.locator("#s_objetivo").count() == 0
    assert "Modo de redacción: archivo Word" in author.inner_text("main")
    author.goto(f"{live_server}/documentos/{code}/v/1")
    author.on("dialog", lambda dialog: dialog.accept())
    author.click("text=Volver a la redacción por secciones")
    author.wait_for_url("**/v/1/editar")
    assert "se copió a las secciones" in author.inner_text(".alert")
    assert author.input_value("#s_objetivo") == "Objetivo reescrito en Word por la autora."
    author.screenshot(path=str(tmp_path / "switched.png"), full_page=True)


def test_a_word_file_missing_sections_is_refused_with_the_list(app, users, make_document, page_for, live_server,
                                                              tmp_path):
    code = release(make_document())
    author = page_for("author", PASSWORD)
    author.goto(f"{live_server}/documentos/{code}/v/1")
    copy = docx.Document(io.BytesIO(_download(author, "text=Descargar para editar en Word")))
    for title in ("Alcance", "Responsabilidades"):
        element = _heading_paragraph(copy, title)._element
        element.getparent().remove(element)
    edited = tmp_path / "incompleto.docx"
    copy.save(edited)
    author.click("text=Subir archivo Word")
    author.set_input_files("input[type=file]", str(edited))
    author.click("main button[type=submit]")
    assert "faltan secciones" in author.inner_text("main")
    assert "✗ 2. Alcance" in author.inner_text("main") and "✗ 3. Responsabilidades" in author.inner_text("main")
    sign(author, "submit")
    message = author.inner_text("main")
    assert "Faltan: 2. Alcance; 3. Responsabilidades" in message and "En revisión" not in author.inner_text(".badge")
    author.screenshot(path=str(tmp_path / "refused.png"), full_page=True)


def test_an_image_in_a_section_reaches_the_word_copy(app, users, make_document, page_for, live_server, tmp_path):
    from qms.storage import store

    document = make_document()
    code = release(document)
    image = tmp_path / "diagrama.png"
    Image.new("RGB", (400, 200), (20, 90, 200)).save(image)
    author = page_for("author", PASSWORD)
    author.goto(f"{live_server}/documentos/{code}/v/1/editar")
    author.fill("#s_descripcion", "El flujo es el siguiente:")
    author.set_input_files("#image", str(image))
    author.select_option("#image_section", "descripcion")
    author.fill("#image_alt", "Diagrama del flujo")
    author.click("button[name=upload_image]")
    assert "Imagen agregada" in author.inner_text(".alert")
    author.click("button[name=preview]")
    assert author.locator(".preview img.doc-image").count() == 1
    author.goto(f"{live_server}/documentos/{code}/v/1")
    shown = author.locator("img.doc-image")
    assert shown.count() == 1 and shown.evaluate("img => img.naturalWidth") == 400
    author.screenshot(path=str(tmp_path / "image.png"), full_page=True)
    version = document.versions[0]
    walk_to(version, "effective", users)
    db.session.commit()
    official = store.read(version.output_sha256)
    widths = [round(s.width.cm, 2) for s in docx.Document(io.BytesIO(official)).inline_shapes]
    assert 16.5 in widths
    soffice = shutil.which("soffice")
    if soffice and shutil.which("pdftoppm"):
        (tmp_path / "copia.docx").write_bytes(official)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(tmp_path / "copia.docx")], check=True, capture_output=True,
                       timeout=180)
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / "copia.pdf"), str(tmp_path / "pagina")],
                       check=True, capture_output=True, timeout=60)
        blue = 0
        for png in tmp_path.glob("pagina*.png"):
            page = Image.open(png).convert("RGB")
            blue += sum(1 for x in range(page.width) for y in range(page.height)
                        if (lambda r, g, b: b > 150 and r < 60 and g < 120)(*page.getpixel((x, y))))
        # 16.5 cm at 50 dpi is ~325 px wide by ~162 px: the image is there, at page width.
        assert blue > 300 * 150
