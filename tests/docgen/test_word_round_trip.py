"""Download a draft to edit in Word, upload it back, approve it: the stamp goes on."""
import io

import docx

from qms.extensions import db
from qms.storage import store
from tests.conftest import walk_to
from tests.docgen.helpers import all_body_text, cell_texts, open_docx, story_text, tables_in

PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def url(version, action):
    return f"/documentos/{version.document.code}/v/{version.number}/{action}"


def edited(data: bytes, text: str) -> bytes:
    document = docx.Document(io.BytesIO(data))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, version, data: bytes, name="borrador.docx"):
    return client.post(url(version, "subir-word"), data={
        "file": (io.BytesIO(data), name), "lock_version": str(version.lock_version)},
        content_type="multipart/form-data")


def test_round_trip_from_browser_to_word_and_approval(client, login, users, make_document):
    version = make_document(state="draft").versions[0]
    login("author")
    response = client.get(url(version, "editar-en-word"))
    assert response.status_code == 200
    assert "Establecer el control de los documentos." in all_body_text(open_docx(response.data))

    response = upload(client, version, edited(response.data, "Etapa agregada en Word. " + PAYLOAD))
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.authoring_mode == "word"
    assert "Etapa agregada en Word." in version.source_text
    assert "Elaboró" not in version.source_text  # the locked block is not content

    walk_to(version, "effective", users)
    db.session.commit()
    official = open_docx(store.read(version.output_sha256))
    assert version.output_template == f"word:{version.source_sha256}"
    assert "Etapa agregada en Word. " + PAYLOAD in all_body_text(official)
    assert "BORRADOR" not in story_text(official)
    assert "Versión 01" in story_text(official) and version.verification_code in story_text(official, "footer")
    approvals = [t for t in tables_in(official) if cell_texts(t)[0][1:] == ["Elaboró", "Revisó", "Aprobó"]]
    assert len(approvals) == 1 and cell_texts(approvals[0])[1][3] == "Persona Approver"


def test_edit_copy_of_a_word_draft_is_its_own_upload(client, login, make_document):
    version = make_document(state="draft").versions[0]
    login("author")
    source = edited(client.get(url(version, "editar-en-word")).data, "Texto propio.")
    upload(client, version, source)
    assert client.get(url(version, "editar-en-word")).data == source


def test_upload_refuses_what_is_not_word(client, login, make_document):
    version = make_document(state="draft").versions[0]
    login("author")
    response = upload(client, version, b"esto no es un documento", name="falso.docx")
    assert response.status_code == 200
    assert "no corresponde a un documento Word" in response.get_data(as_text=True)
    db.session.refresh(version)
    assert version.authoring_mode == "browser"


def test_upload_requires_a_file(client, login, make_document):
    version = make_document(state="draft").versions[0]
    login("author")
    response = client.post(url(version, "subir-word"), data={"lock_version": str(version.lock_version)})
    assert "Seleccione el archivo Word" in response.get_data(as_text=True)


def test_upload_with_an_outdated_lock_is_refused(client, login, make_document):
    version = make_document(state="draft").versions[0]
    login("author")
    data = client.get(url(version, "editar-en-word")).data
    response = client.post(url(version, "subir-word"), data={
        "file": (io.BytesIO(data), "b.docx"), "lock_version": str(version.lock_version - 1)},
        content_type="multipart/form-data")
    assert "Otra persona guardó" in response.get_data(as_text=True)


def test_locked_versions_cannot_be_edited_in_word(client, login, make_document):
    version = make_document(state="effective").versions[0]
    login("author")
    assert client.get(url(version, "editar-en-word")).status_code == 302
    assert upload(client, version, b"x").status_code == 302
    db.session.refresh(version)
    assert version.authoring_mode == "browser"
