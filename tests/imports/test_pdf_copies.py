"""PDF copies: the same file as the Word copy, with the same marks, made by one LibreOffice."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from qms.cli import main
from qms.docgen.models import PdfCopy
from qms.extensions import db
from tests.imports.folder import standard_folder


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copia.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_effective_version_pdf_has_code_version_and_verification_and_is_made_once(
        app, client, login, make_document, tmp_path, monkeypatch):
    document = make_document(title="Control de documentos", state="effective")
    version = document.versions[0]
    login("staff")
    response = client.get(f"/documentos/{document.code}/v/1/descargar-pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data, tmp_path)
    assert document.code in text and "Versión 01" in text and version.verification_code in text
    assert b"pdfaid" in response.data  # PDF/A-2b metadata
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PdfCopy)) == 1

    from qms.docgen import pdf

    def no_second_conversion(_data):
        raise AssertionError("the stored PDF should be served")

    monkeypatch.setattr(pdf, "convert", no_second_conversion)
    again = client.get(f"/documentos/{document.code}/v/1/descargar-pdf")
    assert again.data == response.data


def test_obsolete_and_draft_pdfs_carry_their_marks(app, client, login, make_document, users, tmp_path):
    from qms.documents import service

    document = make_document(title="Procedimiento marcado", state="effective")
    revision = service.start_revision(users["author"], document)
    service.save_draft(users["author"], revision, title="Procedimiento marcado", sections={"objetivo": "Nuevo."},
                       change_description="Cambio.")
    db.session.commit()
    login("quality")
    draft = client.get(f"/documentos/{document.code}/v/2/descargar-pdf")
    assert draft.status_code == 200 and "BORRADOR" in pdf_text(draft.data, tmp_path)
    from tests.conftest import walk_to
    walk_to(revision, "effective", users)
    db.session.commit()
    obsolete = client.get(f"/documentos/{document.code}/v/1/descargar-pdf")
    assert "OBSOLETO" in pdf_text(obsolete.data, tmp_path)


def test_imported_version_pdf_shows_historical_signatures(app, client, login, users, process, tmp_path):
    sheet, _rows = standard_folder(tmp_path / "legado")
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["import", "documents", str(tmp_path / "legado"), "--metadata", str(sheet),
                                  "--as", "quality"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "pr.pdf"
    rendered = runner.invoke(main, ["docs", "render", "PR-GT-07", "--format", "pdf", "-o", str(out)])
    assert rendered.exit_code == 0, rendered.output
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "PR-GT-07" in text and "Registro histórico" in text and "Luis Soto" in text
    # A version imported as PDF is its own copy, byte for byte.
    original = runner.invoke(main, ["docs", "render", "IT-GT-03", "--format", "pdf", "-o", str(tmp_path / "it.pdf")])
    assert original.exit_code == 0, original.output
    assert (tmp_path / "it.pdf").read_bytes() == (tmp_path / "legado" / "it.pdf").read_bytes()


class TestWithoutLibreOffice:
    @pytest.fixture
    def app_overrides(self, tmp_path):
        return {"SOFFICE_PATH": str(tmp_path / "no-existe" / "soffice")}

    def test_the_app_keeps_working_and_says_pdf_is_unavailable(self, app, client, login, make_document, users, tmp_path):
        # Approval (and the official copy) never waits on LibreOffice.
        document = make_document(title="Sin LibreOffice", state="effective")
        assert document.versions[0].state == "effective"
        login("staff")
        page = client.get(f"/documentos/{document.code}/v/1").get_data(as_text=True)
        assert "Copia PDF no disponible" in page
        assert client.get(f"/documentos/{document.code}/v/1/descargar").status_code == 200
        refused = client.get(f"/documentos/{document.code}/v/1/descargar-pdf")
        assert refused.status_code == 503 and "LibreOffice no está instalado" in refused.get_data(as_text=True)
        result = app.test_cli_runner().invoke(main, ["docs", "render", document.code, "--format", "pdf",
                                                     "-o", str(tmp_path / "x.pdf")])
        assert result.exit_code == 1 and "no está disponible" in result.output


def test_simultaneous_conversions_share_one_libreoffice(app, tmp_path):
    """GIVEN four requests converting at once THEN one converter process serves them all."""
    import threading

    from qms.docgen import pdf
    from tests.imports.folder import make_docx

    pdf.stop_started()
    results, errors = [], []

    def convert(n):
        with app.app_context():
            try:
                results.append(pdf.convert(make_docx(f"Documento simultáneo {n}")))
            except Exception as error:  # reported below with the others
                errors.append(error)

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors and len(results) == 4 and all(r.startswith(b"%PDF-") for r in results)
    assert len(pdf._STARTED) == 1
    texts = {pdf_text(r, tmp_path).strip() for r in results}
    assert texts == {f"Documento simultáneo {n}" for n in range(4)}


def test_a_word_report_kept_as_a_record_downloads_as_pdf(app, client, login, users, process, tmp_path):
    from datetime import date

    from qms.records import service
    from qms.records.defaults import load_default_record_types
    from tests.imports.folder import make_docx, make_pdf

    load_default_record_types()
    record = service.create_record(users["quality"], record_type=service.get_type_by_code("INF-AUD"),
                                   title="Informe de auditoría 2025", record_date=date(2025, 5, 5),
                                   data=make_docx("Informe emitido de la auditoria"), filename="informe.docx")
    service.add_file(users["quality"], record, data=make_pdf("anexo"), filename="anexo.pdf", reason="Anexo.")
    db.session.commit()
    word, annex = record.files
    login("quality")
    assert f"/registros/{record.id}/archivos/{word.id}/pdf" in client.get(f"/registros/{record.id}").get_data(as_text=True)
    response = client.get(f"/registros/{record.id}/archivos/{word.id}/pdf")
    assert response.status_code == 200 and "Informe emitido de la auditoria" in pdf_text(response.data, tmp_path)
    assert client.get(f"/registros/{record.id}/archivos/{annex.id}/pdf").status_code == 404


def test_the_job_runner_makes_each_effective_versions_pdf_once(app, make_document, monkeypatch):
    from qms.docgen import pdf
    from qms.documents import pdf_copies

    document = make_document(title="Control de registros", state="effective")
    sha = document.versions[0].output_sha256
    assert pdf_copies.pending() == [sha]
    result = app.test_cli_runner().invoke(main, ["jobs", "run", "--only", "pdf"])
    assert "pdf: 1 copias PDF" in result.output, result.output
    copy = db.session.get(PdfCopy, sha)
    assert copy is not None and copy.is_pdfa
    assert pdf_copies.pending() == []

    def no_second_conversion(_data):
        raise AssertionError("a copy is made once")

    monkeypatch.setattr(pdf, "convert", no_second_conversion)
    assert "pdf: 0 copias PDF" in app.test_cli_runner().invoke(main, ["jobs", "run", "--only", "pdf"]).output


def test_without_libreoffice_the_pdf_job_says_so_and_changes_nothing(app, make_document):
    from qms.documents import pdf_copies

    make_document(title="Sin conversor", state="effective")
    app.config["SOFFICE_PATH"] = "/nonexistent/soffice"
    assert pdf_copies.make_pending() == "LibreOffice no está instalado: sin copias PDF"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PdfCopy)) == 0
