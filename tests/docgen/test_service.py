"""Generated files through the document lifecycle: approval, downloads, revisions, verification."""
import sqlalchemy as sa

from qms.docgen import service as docgen
from qms.extensions import db
from qms.storage import store
from qms.timeutil import format_date, today_local
from qms.trail.models import AuditEntry
from tests.conftest import walk_to
from tests.docgen.helpers import all_body_text, cell_texts, open_docx, story_text, tables_in


def actions(name: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == name)))


def download(client, version):
    return client.get(f"/documentos/{version.document.code}/v/{version.number}/descargar")


def test_approval_stores_the_official_copy(make_document):
    version = make_document(state="effective").versions[0]
    assert version.output_template == "procedimiento.docx@1"
    assert len(version.output_data_sha256) == 64
    document = open_docx(store.read(version.output_sha256))
    header = story_text(document)
    assert f"Código: {version.document.code}" in header and "Versión 01" in header
    assert f"Vigencia: {format_date(today_local())}" in header
    assert "BORRADOR" not in header
    approval = next(t for t in tables_in(document) if cell_texts(t)[0][1:] == ["Elaboró", "Revisó", "Aprobó"])
    assert cell_texts(approval)[1][1:] == ["Persona Author", "Persona Reviewer", "Persona Approver"]
    changes = next(t for t in tables_in(document) if cell_texts(t)[0][0] == "Versión")
    assert cell_texts(changes)[1] == ["01", format_date(today_local()), "Primera versión.", "Persona Author"]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1\tObjetivo" in headings and "10\tAnexos" in headings
    assert "Nivel central" in all_body_text(document)
    assert version.verification_code in story_text(document, "footer")


def test_download_serves_exactly_the_stored_bytes(client, login, make_document):
    version = make_document(state="effective").versions[0]
    login("staff")
    response = download(client, version)
    assert response.status_code == 200
    assert response.data == store.read(version.output_sha256)
    assert response.headers["Content-Disposition"].endswith(f"{version.document.code}_v01.docx")
    entry = actions("version.downloaded")[-1]
    assert entry.username == "staff" and entry.details["sha256"] == version.output_sha256


def test_altered_file_is_an_error_and_a_trail_entry(client, login, make_document):
    """GIVEN a stored official file changed on disk WHEN downloaded THEN nothing is served."""
    version = make_document(state="effective").versions[0]
    path = store.path_for(version.output_sha256)
    path.chmod(0o644)
    path.write_bytes(b"PK\x03\x04 alterado")
    login("staff")
    response = download(client, version)
    assert response.status_code == 500
    assert "Archivo alterado".encode() in response.data
    failed = actions("version.download_failed")
    assert failed and failed[-1].details["sha256"] == version.output_sha256
    assert not actions("version.downloaded")


def test_draft_is_rendered_on_demand_marked_borrador(client, login, make_document):
    version = make_document(state="draft").versions[0]
    login("author")
    response = download(client, version)
    assert response.status_code == 200
    assert "BORRADOR" in story_text(open_docx(response.data))
    assert actions("version.downloaded")[-1].details["kind"] == "draft"


def test_staff_cannot_download_a_draft(client, login, make_document):
    version = make_document(state="draft").versions[0]
    login("staff")
    assert download(client, version).status_code == 404


def test_revision_makes_an_obsolete_copy_and_extends_the_change_table(client, login, users, make_document):
    from qms.documents import service as documents

    document = make_document(state="effective")
    first = document.versions[0]
    second = documents.start_revision(users["author"], document)
    documents.save_draft(users["author"], second, title=second.title, sections=dict(second.sections),
                         change_description="Se agrega la etapa regional.")
    walk_to(second, "effective", users)
    db.session.commit()
    assert first.state == "obsolete"
    obsolete = open_docx(store.read(first.obsolete_output_sha256))
    assert "OBSOLETO" in story_text(obsolete)
    changes = next(t for t in tables_in(open_docx(store.read(second.output_sha256))) if cell_texts(t)[0][0] == "Versión")
    assert [row[0] for row in cell_texts(changes)[1:]] == ["01", "02"]
    assert cell_texts(changes)[2][2] == "Se agrega la etapa regional."
    login("staff")
    response = download(client, first)
    assert response.data == store.read(first.obsolete_output_sha256)


def test_verification_page_tells_whether_the_copy_is_in_force(client, users, make_document):
    from qms.documents import service as documents

    document = make_document(state="effective", title="Procedimiento reservado")
    first = document.versions[0]
    response = client.get(f"/verificar/{first.verification_code}")
    assert response.status_code == 200 and "versión vigente".encode() in response.data
    second = documents.start_revision(users["author"], document)
    documents.save_draft(users["author"], second, title=second.title, sections=dict(second.sections),
                         change_description="Se revisa el procedimiento.")
    walk_to(second, "effective", users)
    db.session.commit()
    page = client.get(f"/verificar/{first.verification_code.lower()}").get_data(as_text=True)
    assert "obsoleta" in page and "Versión 02" in page and document.code in page
    assert "Procedimiento reservado" not in page  # no content for anonymous visitors
    assert client.get("/verificar/NOEXISTE").status_code == 404


def test_cli_writes_the_stored_copy(app, make_document, tmp_path):
    from qms.documents.cli import render_command

    version = make_document(state="effective").versions[0]
    out = tmp_path / "copia.docx"
    result = app.test_cli_runner().invoke(render_command, [version.document.code, "--version", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == store.read(version.output_sha256)
    missing = app.test_cli_runner().invoke(render_command, [version.document.code, "--version", "9", "-o", str(out)])
    assert missing.exit_code == 1 and "No existe esa versión" in missing.output


def test_report_rendering_records_template_version(app):
    from qms.docgen.samples import SAMPLE_REPORT_CONTEXTS

    data, label, data_hash = docgen.render_report_versioned(
        "informe_auditoria", SAMPLE_REPORT_CONTEXTS["informe_auditoria.docx"])
    assert label == "informe_auditoria.docx@1" and len(data_hash) == 64
    assert "AUD-2026-01" in story_text(open_docx(data))
