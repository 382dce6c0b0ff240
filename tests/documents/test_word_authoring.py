"""Word-authored drafts: the mode is explicit, the file is checked against the type's
sections, compare aligns by heading, and going back to sections keeps the text."""
import io

import docx
import pytest
import sqlalchemy as sa

from qms.documents import compare, service
from qms.errors import ServiceError
from qms.extensions import db
from qms.trail.models import AuditEntry
from tests.conftest import PASSWORD, walk_to
from tests.documents.word_helpers import upload, url



def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraph_after(document, heading_text):
    paragraphs = document.paragraphs
    for i, p in enumerate(paragraphs):
        if p.style.name == "Heading 1" and p.text.endswith(heading_text):
            return paragraphs[i + 1]
    raise AssertionError(heading_text)


def edit_copy(client, version, change=None) -> bytes:
    document = docx.Document(io.BytesIO(client.get(url(version, "editar-en-word")).data))
    if change:
        change(document)
    return _save(document)



def _drop_heading(title):
    def change(document):
        for p in document.paragraphs:
            if p.style.name == "Heading 1" and p.text.endswith(title):
                p._element.getparent().remove(p._element)
    return change


def test_the_page_says_the_mode_and_sections_cannot_be_saved_over_a_word_file(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    assert "Modo de redacción: por secciones" in client.get(url(version, "")[:-1]).get_data(as_text=True)
    upload(client, version, edit_copy(client, version))
    db.session.refresh(version)
    page = client.get(url(version, "editar")).get_data(as_text=True)
    assert "Modo de redacción: archivo Word" in page and 'name="s_objetivo"' not in page
    with pytest.raises(ServiceError, match="se redacta en Word"):
        service.save_draft(users["author"], version, title="x", sections={"objetivo": "ignorado"}, change_description="")
    db.session.rollback()
    response = client.post(url(version, "editar"), data={
        "title": "Título nuevo", "s_objetivo": "No debe perderse en silencio", "change_description": "Cambio.",
        "lock_version": version.lock_version, "save": "1"})
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.title == "Título nuevo" and version.authoring_mode == "word"


def test_switching_back_to_sections_copies_the_word_text_into_them(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")

    def change(document):
        _paragraph_after(document, "Objetivo").text = "Objetivo escrito en Word."
        document.add_heading("Glosario propio", level=1)
        document.add_paragraph("Un término definido en Word.")

    upload(client, version, edit_copy(client, version, change))
    db.session.refresh(version)
    response = client.post(url(version, "redactar-por-secciones"), data={"lock_version": version.lock_version},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "se copió a las secciones" in page and "no se conserva" in page
    db.session.refresh(version)
    assert version.authoring_mode == "browser" and version.source_sha256 is None
    assert version.sections["objetivo"] == "Objetivo escrito en Word."
    assert version.sections["alcance"] == "Nivel central\nDirecciones regionales"
    assert "### Glosario propio" in version.sections["anexos"] and "Un término definido en Word." in version.sections["anexos"]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "version.browser_mode")).one()
    assert entry.details["other_headings"] == ["Glosario propio"]


def test_switching_back_is_refused_when_no_heading_matches(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    plain = docx.Document()
    plain.add_paragraph("Un texto sin títulos.")
    upload(client, version, _save(plain))
    db.session.refresh(version)
    page = client.post(url(version, "redactar-por-secciones"), data={"lock_version": version.lock_version},
                       follow_redirects=True).get_data(as_text=True)
    assert "no tiene ninguno de los títulos" in page
    db.session.refresh(version)
    assert version.authoring_mode == "word"


def test_a_file_without_required_sections_is_shown_and_cannot_be_submitted(client, login, users, make_document):
    version = make_document().versions[0]
    login("author")
    data = edit_copy(client, version, lambda d: (_drop_heading("Alcance")(d), _drop_heading("Registros")(d)))
    page = upload(client, version, data).get_data(as_text=True)
    assert "faltan secciones" in page and "2. Alcance; 9. Registros" in page
    assert "✗ 2. Alcance" in page and "✓ 1. Objetivo" in page
    db.session.refresh(version)
    with pytest.raises(ServiceError, match=r"Faltan: 2\. Alcance; 9\. Registros"):
        service.apply_transition(users["author"], version, "submit", password=PASSWORD)


def test_compare_of_word_versions_aligns_by_section_and_word(client, login, users, make_document):
    document = make_document()
    v1 = document.versions[0]
    login("author")

    def with_table(document):
        table = document.add_table(rows=2, cols=2)
        for (r, c), text in {(0, 0): "Indicador", (0, 1): "Meta", (1, 0): "Plazo", (1, 1): "10 días"}.items():
            table.cell(r, c).text = text

    upload(client, v1, edit_copy(client, v1, with_table))
    db.session.refresh(v1)
    walk_to(v1, "effective", users)
    db.session.commit()
    v2 = service.start_revision(users["author"], document)
    service.save_draft(users["author"], v2, title=v2.title, sections=None, change_description="Plazo menor.")
    db.session.commit()

    def change(document):
        _paragraph_after(document, "Objetivo").text = "Establecer el control de los registros."
        document.tables[-1].cell(1, 1).text = "5 días"

    upload(client, v2, edit_copy(client, v2, change))
    db.session.refresh(v2)
    diffs = {d.heading: d for d in compare.compare_versions(v1, v2)}
    assert [h for h, d in diffs.items() if d.changed] == ["1. Objetivo", "10. Anexos"]
    objetivo = str(diffs["1. Objetivo"].html)
    assert "<del>documentos.</del>" in objetivo and "<ins>registros.</ins>" in objetivo
    assert "Establecer el control de los" in objetivo.split("<del>")[0]
    anexos = str(diffs["10. Anexos"].html)
    assert "<del>10</del>" in anexos and "<ins>5</ins>" in anexos and "Indicador" in anexos.split("<del>")[0]
    page = client.get(f"/documentos/{document.code}/comparar?a=1&b=2").get_data(as_text=True)
    assert "<ins>registros.</ins>" in page
