"""Import of existing records: retention from each record's own date, files checked, resume."""
from __future__ import annotations

import csv

import sqlalchemy as sa

from qms.cli import main
from qms.extensions import db
from qms.records.legacy_import import COLUMNS
from qms.records.models import Record
from tests.imports.folder import make_docx, make_pdf


def write_sheet(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def run(app, folder, sheet, *extra):
    return app.test_cli_runner().invoke(main, ["import", "records", str(folder), "--metadata", str(sheet),
                                               "--as", "quality", *extra])


def test_records_import_dry_run_real_run_and_resume(app, users, process, tmp_path):
    from qms.records import disposition
    from qms.records.defaults import load_default_record_types

    load_default_record_types()
    db.session.commit()
    folder = tmp_path / "registros"
    folder.mkdir()
    (folder / "informe-2015.pdf").write_bytes(make_pdf("Informe de auditoria 2015"))
    (folder / "anexo.docx").write_bytes(make_docx("Anexo del informe"))
    (folder / "acta.pdf").write_bytes(make_pdf("Acta 2024"))
    sheet = write_sheet(tmp_path / "registros.csv", [
        {"tipo": "INF-AUD", "titulo": "Informe de auditoría interna 2015", "fecha": "15-09-2015", "proceso": "GT",
         "region": "RM", "responsable": "quality", "archivos": "informe-2015.pdf; anexo.docx"},
        {"tipo": "ACTA-RD", "titulo": "Acta de revisión por la dirección 2024", "fecha": "2024-03-01",
         "archivos": "acta.pdf"},
        {"tipo": "NO-EXISTE", "titulo": "Tipo malo", "fecha": "01-01-2020", "archivos": "acta.pdf"},
        {"tipo": "ACTA-RD", "titulo": "Fuera", "fecha": "01-01-2020", "archivos": "../../etc/passwd"},
    ])
    dry = run(app, folder, sheet, "--dry-run")
    assert "Se importarían 2 registros" in dry.output
    assert "El tipo de registro «NO-EXISTE» no existe" in dry.output and "sale de la carpeta" in dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 0
    real = run(app, folder, sheet)
    assert "Importados 2 registros" in real.output and real.exit_code == 1  # two rows refused
    old = db.session.scalar(sa.select(Record).where(Record.title == "Informe de auditoría interna 2015"))
    assert old.record_date.isoformat() == "2015-09-15" and old.region_code == "RM"
    assert len(old.files) == 2
    # Retention runs from the record's own date: the 2015 report is due for disposition now.
    assert old.retention_until == old.type.retention_until(old.record_date)
    assert old in disposition.eligible_records(users["quality"])
    again = run(app, folder, sheet)
    assert "Importados 0 registros; omitidos 2 ya importados" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 2


def test_records_wizard_dry_run_and_confirm(app, client, login, users, process, tmp_path):
    import io
    import re
    import zipfile

    from qms.records.defaults import load_default_record_types

    load_default_record_types()
    db.session.commit()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("actas/acta.pdf", make_pdf("Acta 2023"))
    sheet = write_sheet(tmp_path / "r.csv", [
        {"tipo": "ACTA-RD", "titulo": "Acta 2023", "fecha": "05-05-2023", "archivos": "actas/acta.pdf"},
        {"tipo": "ACTA-RD", "titulo": "Sin archivo", "fecha": "05-05-2023", "archivos": "actas/otra.pdf"},
    ])
    login("quality")
    review = client.post("/registros/importar/", data={"archive": (io.BytesIO(archive.getvalue()), "r.zip"),
                                                       "sheet": (io.BytesIO(sheet.read_bytes()), "r.csv")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "Se importarían <strong>1</strong> registros" in review and "No se encuentra el archivo «actas/otra.pdf»" in review
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 0
    token = re.search(r"/registros/importar/([0-9a-f]{32})/confirmar", review).group(1)
    done = client.post(f"/registros/importar/{token}/confirmar").get_data(as_text=True)
    assert "Importados 1 registros" in done
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 1
    client.post(f"/registros/importar/{token}/confirmar")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 1


def test_records_wizard_imports_in_slices_with_a_progress_page(app, client, login, users, process, tmp_path,
                                                                monkeypatch):
    import io
    import re
    import zipfile

    from qms.records import import_views
    from qms.records.defaults import load_default_record_types

    monkeypatch.setattr(import_views, "SLICE_SECONDS", -1)  # one record per request
    load_default_record_types()
    db.session.commit()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        for year in (2021, 2022, 2023):
            bundle.writestr(f"actas/acta{year}.pdf", make_pdf(f"Acta {year}"))
    sheet = write_sheet(tmp_path / "r.csv", [
        {"tipo": "ACTA-RD", "titulo": f"Acta {year}", "fecha": f"05-05-{year}", "archivos": f"actas/acta{year}.pdf"}
        for year in (2021, 2022, 2023)])
    login("quality")
    review = client.post("/registros/importar/", data={"archive": (io.BytesIO(archive.getvalue()), "r.zip"),
                                                       "sheet": (io.BytesIO(sheet.read_bytes()), "r.csv")},
                         content_type="multipart/form-data").get_data(as_text=True)
    token = re.search(r"/registros/importar/([0-9a-f]{32})/confirmar", review).group(1)
    first = client.post(f"/registros/importar/{token}/confirmar").get_data(as_text=True)
    assert "Importados 1 de 3 registros" in first and "data-autocontinue" in first
    assert f"/registros/importar/{token}/confirmar" in first
    second = client.post(f"/registros/importar/{token}/confirmar").get_data(as_text=True)
    assert "Importados 2 de 3 registros" in second
    done = client.post(f"/registros/importar/{token}/confirmar").get_data(as_text=True)
    assert "Importados 3 registros; omitidos 0 ya importados" in done
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 3
