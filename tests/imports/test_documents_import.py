"""Import of an institution's existing documents: dry run, real run, resume, codes, paper signatures."""
from __future__ import annotations

import io

import docx
import pytest
import sqlalchemy as sa

from qms.cli import main
from qms.core.codes import CodeSequence
from qms.documents.models import Document, HistoricalSignature, Signature
from qms.extensions import db
from qms.trail.models import AuditEntry
from tests.imports.folder import row, standard_folder, write_csv


def word_text(data: bytes) -> str:
    """Every text run of the file, the stamped block and its tables included."""
    from docx.oxml.ns import qn

    body = docx.Document(io.BytesIO(data)).element.body
    return "".join(node.text or "" for node in body.iter(qn("w:t")))


@pytest.fixture
def folder(tmp_path, users, process):
    return standard_folder(tmp_path / "legado")


def run_import(app, folder, sheet, *extra):
    runner = app.test_cli_runner()
    return runner.invoke(main, ["import", "documents", str(folder), "--metadata", str(sheet), "--as", "quality", *extra])


def test_dry_run_shows_what_would_be_created_and_writes_nothing(app, folder, tmp_path):
    sheet, _rows = folder
    result = run_import(app, tmp_path / "legado", sheet, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Se importarían 3 documentos (4 versiones)" in result.output
    assert "no se guardó nada" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_real_run_keeps_codes_versions_dates_and_files(app, folder, tmp_path):
    sheet, _rows = folder
    result = run_import(app, tmp_path / "legado", sheet)
    assert result.exit_code == 0, result.output
    assert "Importados 3 documentos (4 versiones)" in result.output
    procedure = db.session.scalar(sa.select(Document).where(Document.code == "PR-GT-07"))
    first, second = procedure.versions
    assert (first.state, second.state) == ("obsolete", "effective")
    assert first.effective_date.isoformat() == "2019-03-01" and second.effective_date.isoformat() == "2022-06-10"
    assert first.obsolete_at.date().isoformat() == "2022-06-10"
    assert procedure.title == "Procedimiento de archivo y foliación"
    assert "Ordenar expedientes foliados" in second.source_text
    # The original is kept byte for byte as the version's source.
    from qms.storage import store
    assert store.read(second.source_sha256) == (tmp_path / "legado" / "pr" / "PR-GT-07_v2.docx").read_bytes()
    assert second.output_sha256 and first.obsolete_output_sha256
    pdf_doc = db.session.scalar(sa.select(Document).where(Document.code == "IT-GT-03"))
    (only,) = pdf_doc.versions
    assert only.number == 4 and only.authoring_mode == "pdf"
    assert "digitalizacion" in only.source_text
    assert store.read(only.output_sha256) == (tmp_path / "legado" / "it.pdf").read_bytes()
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"document.imported", "version.imported"} <= actions


def test_legacy_codes_kept_and_counter_moved_past_them(app, folder, tmp_path, users, process):
    from qms.documents import service
    from qms.documents.models import DocumentType

    sheet, _rows = folder
    assert run_import(app, tmp_path / "legado", sheet).exit_code == 0
    assert db.session.get(CodeSequence, "PR-GT-#").last_value == 7
    assert db.session.scalar(sa.select(Document).where(Document.code == "MAN-CAL")) is not None
    doc_type = db.session.scalar(sa.select(DocumentType).where(DocumentType.code == "PR"))
    created = service.create_document(users["author"], doc_type=doc_type, process=process, title="Nuevo procedimiento")
    assert created.code == "PR-GT-08"


def test_paper_approvals_are_historical_signatures_never_electronic(app, folder, tmp_path, client, login):
    sheet, _rows = folder
    assert run_import(app, tmp_path / "legado", sheet).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0
    names = {(s.meaning, s.signer_name) for s in db.session.scalars(sa.select(HistoricalSignature))}
    assert ("reviewed", "Marta Díaz") in names and ("approved", "Luis Soto") in names
    login("staff")
    page = client.get("/documentos/PR-GT-07/v/2").get_data(as_text=True)
    assert "Registro histórico" in page and "no son firmas electrónicas" in page
    assert "Marta Díaz" in page and "importado por Persona Quality" in page
    word = client.get("/documentos/PR-GT-07/v/2/descargar")
    assert word.status_code == 200
    text = word_text(word.data)
    assert "Luis Soto" in text and "Registro histórico" in text


def test_interrupted_import_resumes_without_duplicates(app, folder, tmp_path, monkeypatch):
    from qms.documents import legacy_import

    sheet, _rows = folder
    real = legacy_import.import_document
    calls = []

    def failing_on_second(actor, planned, bundle):
        calls.append(planned.code)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C half-way through
        return real(actor, planned, bundle)

    monkeypatch.setattr(legacy_import, "import_document", failing_on_second)
    run_import(app, tmp_path / "legado", sheet)
    db.session.rollback()
    assert db.session.scalars(sa.select(Document.code)).all() == [calls[0]]
    monkeypatch.setattr(legacy_import, "import_document", real)
    result = run_import(app, tmp_path / "legado", sheet)
    assert result.exit_code == 0, result.output
    assert "Importados 2 documentos" in result.output and "omitidos 1 ya importados" in result.output
    assert sorted(db.session.scalars(sa.select(Document.code))) == ["IT-GT-03", "MAN-CAL", "PR-GT-07"]
    again = run_import(app, tmp_path / "legado", sheet)
    assert "Importados 0 documentos" in again.output and "omitidos 3" in again.output


def test_bad_rows_get_spanish_reasons_and_nothing_of_them_is_written(app, folder, tmp_path, make_document):
    existing = make_document(title="Ya registrado")
    legado = tmp_path / "legado"
    rows = [
        row(codigo="PR-XX-01", proceso="XX", titulo="Proceso desconocido", version="1", vigencia="01-01-2020", archivo="manual.docx"),
        row(codigo="ZZ-01", tipo="ZZ", titulo="Tipo desconocido", version="1", vigencia="01-01-2020", archivo="manual.docx"),
        row(codigo="PR-GT-20", titulo="Sin archivo", version="1", vigencia="01-01-2020", archivo="no-existe.docx"),
        row(codigo="PR-GT-21", titulo="Fuera de la carpeta", version="1", vigencia="01-01-2020", archivo="../secreto.docx"),
        row(codigo="PR-GT-22", titulo="Fecha rara", version="1", vigencia="2020/31/12", archivo="manual.docx"),
        row(codigo="PR-GT-23", titulo="Fechas al revés", version="1", vigencia="01-01-2020",
            fecha_aprobacion="01-06-2020", archivo="manual.docx"),
        row(codigo=existing.code, titulo="Código usado", version="1", vigencia="01-01-2020", archivo="manual.docx"),
        row(codigo="PR-GT-24", titulo="Ilegible", version="1", vigencia="01-01-2020", archivo="metadatos.csv"),
        # One good and one bad version of the same code: the whole document waits.
        row(codigo="PR-GT-25", titulo="Bueno", version="1", vigencia="01-01-2020", estado="obsoleto", archivo="manual.docx"),
        row(codigo="PR-GT-25", titulo="Malo", version="2", vigencia="01-01-2021", archivo="falta.pdf"),
    ]
    sheet = write_csv(tmp_path / "malo.csv", rows)
    result = run_import(app, legado, sheet)
    assert result.exit_code == 1
    out = result.output
    for message in ("El proceso «XX» no existe", "El tipo «ZZ» no existe", "No se encuentra el archivo «no-existe.docx»",
                    "sale de la carpeta", "«2020/31/12» no es válida", "fuera de orden",
                    f"El código {existing.code} ya está en uso", "no corresponde a un documento Word (.docx) o PDF",
                    "fila 11 (PR-GT-25)"):
        assert message in out, message
    assert db.session.scalars(sa.select(Document.code)).all() == [existing.code]


@pytest.mark.parametrize("columns, message", [
    (tuple(c for c in __import__("qms.documents.legacy_plan", fromlist=["COLUMNS"]).COLUMNS if c != "vigencia"),
     "faltan las columnas vigencia"),
    (__import__("qms.documents.legacy_plan", fromlist=["COLUMNS"]).COLUMNS + ("color",), "sobran las columnas color"),
])
def test_sheet_with_missing_or_extra_columns_is_refused(app, folder, tmp_path, columns, message):
    sheet = write_csv(tmp_path / "cols.csv", [row(codigo="PR-GT-30", titulo="X", version="1")], columns)
    result = run_import(app, tmp_path / "legado", sheet)
    assert result.exit_code != 0 and message in result.output


def test_xlsx_sheet_with_accented_headers_and_real_dates(app, folder, tmp_path):
    import datetime
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    from qms.documents.legacy_plan import COLUMNS
    headers = [{"codigo": "Código", "titulo": "Título", "version": "Versión", "elaboro": "Elaboró"}.get(c, c.upper())
               for c in COLUMNS]
    sheet.append(headers)
    values = row(codigo="PR-GT-40", titulo="Desde Excel", version=1, archivo="manual.docx")
    values["vigencia"] = datetime.datetime(2021, 3, 4)
    sheet.append([values[c] for c in COLUMNS])
    path = tmp_path / "meta.xlsx"
    book.save(path)
    result = run_import(app, tmp_path / "legado", path)
    assert result.exit_code == 0, result.output
    document = db.session.scalar(sa.select(Document).where(Document.code == "PR-GT-40"))
    assert document.versions[0].effective_date == datetime.date(2021, 3, 4)


def test_imported_documents_are_searchable_at_once_by_their_files_text(app, folder, tmp_path, users):
    from qms.search import engine
    from qms.search.service import SearchRequest, search

    sheet, _rows = folder
    assert run_import(app, tmp_path / "legado", sheet).exit_code == 0
    try:
        with app.test_request_context():
            word_hits = {h.code for h in search(users["staff"], SearchRequest(text="expedientes foliados")).hits}
            pdf_hits = {h.code for h in search(users["staff"], SearchRequest(text="digitalizacion oficios")).hits}
    finally:
        engine.close_all()
    assert "PR-GT-07" in word_hits
    assert "IT-GT-03" in pdf_hits
