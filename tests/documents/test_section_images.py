"""Authors place checked PNG/JPEG images in sections; they show in the preview and in Word at page width."""
import io

from PIL import Image

from qms.extensions import db
from qms.storage import store
from tests.conftest import walk_to
from tests.docgen.helpers import open_docx


def png(width=300, height=150, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def post_image(client, version, data, **fields):
    form = {"title": version.title, "s_objetivo": "Texto escrito y no guardado todavía.",
            "s_alcance": "Alcance.", "change_description": "", "lock_version": str(version.lock_version),
            "image_section": "descripcion", "image_alt": "Diagrama de flujo", "upload_image": "1",
            "image": (io.BytesIO(data), "diagrama.png"), **fields}
    return client.post(f"/documentos/{version.document.code}/v/1/editar", data=form,
                       content_type="multipart/form-data")


def test_an_uploaded_image_is_placed_shown_and_printed_at_page_width(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    response = post_image(client, version, png())
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.sections["objetivo"] == "Texto escrito y no guardado todavía."  # typed text kept
    line = version.sections["descripcion"]
    assert line.startswith("![Diagrama de flujo](imagen:")
    sha = line.split("imagen:")[1].rstrip(")")
    page = client.get(f"/documentos/{version.document.code}/v/1").get_data(as_text=True)
    src = f"/documentos/{version.document.code}/v/1/imagen/{sha}"
    assert f'<img class="doc-image" src="{src}" alt="Diagrama de flujo">' in page
    served = client.get(src)
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == store.read(sha)
    assert client.get(f"/documentos/{version.document.code}/v/1/imagen/{'0' * 64}").status_code == 404

    walk_to(version, "effective", users)
    db.session.commit()
    official = open_docx(store.read(version.output_sha256))
    shapes = official.inline_shapes
    assert len(shapes) >= 1
    picture = [s for s in shapes if abs(s.width.cm - 16.5) < 0.01]
    assert picture and abs(picture[0].height.cm - 8.25) < 0.01  # 2:1, at the text's width


def test_a_file_that_is_not_an_image_is_refused_keeping_the_text(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    page = post_image(client, version, b"GIF89a no es png").get_data(as_text=True)
    assert "Solo se aceptan imágenes PNG o JPEG" in page and "Texto escrito y no guardado todavía." in page
    truncated = png()[:200]
    page = post_image(client, version, truncated).get_data(as_text=True)
    assert "dañada o incompleta" in page
    page = post_image(client, version, png(), image_alt="").get_data(as_text=True)
    assert "Describa la imagen" in page
    db.session.refresh(version)
    assert "imagen:" not in (version.sections.get("descripcion") or "")
