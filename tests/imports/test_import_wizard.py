"""The committee's import wizard: upload, dry run with each row's problems, confirm, summary."""
from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import sqlalchemy as sa

from qms.documents.legacy_plan import COLUMNS
from qms.documents.models import Document
from qms.extensions import db
from tests.imports.folder import standard_folder


def zipped(folder, names) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(folder / name, name)
    return out.getvalue()


def upload(client, archive: bytes, sheet: bytes, sheet_name="metadatos.csv"):
    return client.post("/documentos/importar/", data={
        "archive": (io.BytesIO(archive), "legado.zip"), "sheet": (io.BytesIO(sheet), sheet_name)},
        content_type="multipart/form-data")


def test_wizard_dry_run_then_confirm_imports_and_shows_summary(app, client, login, users, process, tmp_path):
    sheet, _rows = standard_folder(tmp_path / "legado")
    folder = tmp_path / "legado"
    archive = zipped(folder, ["pr/PR-GT-07_v1.docx", "pr/PR-GT-07_v2.docx", "it.pdf"])  # manual.docx left out
    login("quality")
    review = upload(client, archive, sheet.read_bytes())
    page = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Se importarían <strong>2</strong> documentos" in page
    assert "No se encuentra el archivo «manual.docx» en el .zip" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    token = re.search(r"/documentos/importar/([0-9a-f]{32})/confirmar", page).group(1)
    done = client.post(f"/documentos/importar/{token}/confirmar", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Importados 2 documentos (3 versiones)" in text
    assert sorted(db.session.scalars(sa.select(Document.code))) == ["IT-GT-03", "PR-GT-07"]
    # Confirming twice imports nothing more.
    client.post(f"/documentos/importar/{token}/confirmar")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 2


def test_wizard_refuses_a_zip_bomb_and_paths_outside(app, client, login, users, process, tmp_path):
    sheet, _rows = standard_folder(tmp_path / "legado")
    login("quality")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("grande.docx", b"\0" * (120 * 1024 * 1024))
    refused = upload(client, bomb.getvalue(), sheet.read_bytes())
    message = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "compresión anómala" in message or "demasiado al descomprimirse" in message
    climbing = io.BytesIO()
    with zipfile.ZipFile(climbing, "w") as archive:
        archive.writestr("../fuera.docx", b"x")
    refused = upload(client, climbing.getvalue(), sheet.read_bytes())
    assert refused.status_code == 400 and "sale de la carpeta" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_template_sheet_has_the_columns(app, client, login, users):
    login("quality")
    response = client.get("/documentos/importar/plantilla.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert tuple(c.value for c in sheet[1]) == COLUMNS


def test_only_the_committee_may_import(app, client, login, users):
    login("author")
    assert client.get("/documentos/importar/").status_code == 403


def test_wizard_imports_in_slices_with_a_progress_page(app, client, login, users, process, tmp_path, monkeypatch):
    from qms.documents import import_views

    monkeypatch.setattr(import_views, "SLICE_SECONDS", -1)  # one document per request
    sheet, _rows = standard_folder(tmp_path / "legado")
    folder = tmp_path / "legado"
    archive = zipped(folder, ["pr/PR-GT-07_v1.docx", "pr/PR-GT-07_v2.docx", "it.pdf", "manual.docx"])
    login("quality")
    page = upload(client, archive, sheet.read_bytes()).get_data(as_text=True)
    token = re.search(r"/documentos/importar/([0-9a-f]{32})/confirmar", page).group(1)
    first = client.post(f"/documentos/importar/{token}/confirmar").get_data(as_text=True)
    assert "Importados 1 de 3 documentos" in first and "data-autocontinue" in first
    second = client.post(f"/documentos/importar/{token}/confirmar").get_data(as_text=True)
    assert "Importados 2 de 3 documentos" in second
    done = client.post(f"/documentos/importar/{token}/confirmar", follow_redirects=True).get_data(as_text=True)
    assert "Importados 3 documentos (4 versiones)" in done
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 3
