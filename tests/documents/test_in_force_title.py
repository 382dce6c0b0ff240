"""Staff see the title in force, never a draft's, wherever a document is listed."""
from qms.documents import queries, service
from qms.extensions import db
from tests.conftest import walk_to


def _revise_twice(make_document, users):
    document = make_document(title="Título vigente", state="effective")
    v2 = service.start_revision(users["author"], document)
    service.save_draft(users["author"], v2, title="Título segundo", sections={"objetivo": "Dos."},
                       change_description="Segunda.")
    walk_to(v2, "effective", users)
    v3 = service.start_revision(users["author"], document)
    service.save_draft(users["author"], v3, title="Título del borrador v03", sections={"objetivo": "Tres."},
                       change_description="Tercera.")
    db.session.commit()
    return document


def test_register_shows_the_effective_title_to_staff(client, users, login, make_document):
    document = _revise_twice(make_document, users)
    login("staff")
    page = client.get("/documentos/").get_data(as_text=True)
    assert "Título segundo" in page and "Versión 02" in page
    assert "Título del borrador v03" not in page
    # What the clause traceability and the audit criteria read.
    assert queries.documents_by_ids([document.id])[0].title == "Título segundo"


def test_first_draft_title_names_the_document_until_it_takes_effect(make_document, users):
    document = make_document(title="Primer título")
    service.save_draft(users["author"], document.versions[0], title="Otro título", sections={"objetivo": "x"},
                       change_description="")
    assert document.title == "Otro título"
