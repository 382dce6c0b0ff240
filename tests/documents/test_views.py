"""Documents through the browser's eyes: forms, messages, kept input, refusals."""
import sqlalchemy as sa

from qms.documents.models import Document, DocumentType, DocumentVersion
from qms.extensions import db
from qms.timeutil import today_local
from tests.conftest import PASSWORD


def _type_id(code="PR"):
    return db.session.scalar(sa.select(DocumentType.id).where(DocumentType.code == code))


def test_author_creates_and_drafts_a_procedure(client, users, login, process):
    login("author")
    response = client.post("/documentos/nuevo", data={"type_id": _type_id(), "process_id": process.id,
                                                      "title": "Control de documentos", "regions": ["V", "RM"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/documentos/PR-GT-01/v/1/editar")
    document = db.session.scalar(sa.select(Document).where(Document.code == "PR-GT-01"))
    assert sorted(r.code for r in document.regions) == ["RM", "V"]
    page = client.get("/documentos/PR-GT-01/v/1/editar").get_data(as_text=True)
    for heading in ("1. Objetivo", "2. Alcance", "6. Descripción del proceso", "10. Anexos"):
        assert heading in page
    version = document.versions[0]
    response = client.post("/documentos/PR-GT-01/v/1/editar", data={
        "title": "Control de documentos", "s_objetivo": "Asegurar **documentos vigentes**.",
        "s_alcance": "- Nivel central\n- Regiones", "change_description": "Creación.",
        "lock_version": version.lock_version, "save": "1"})
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.sections["objetivo"] == "Asegurar **documentos vigentes**."
    shown = client.get("/documentos/PR-GT-01/v/1").get_data(as_text=True)
    assert "<strong>documentos vigentes</strong>" in shown and "<li>Nivel central</li>" in shown


def test_preview_saves_nothing_and_keeps_the_text(client, users, login, make_document):
    document = make_document()
    version = document.versions[0]
    login("author")
    response = client.post(f"/documentos/{document.code}/v/1/editar", data={
        "title": "Nuevo título", "s_objetivo": "Texto *nuevo*", "lock_version": version.lock_version, "preview": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<em>nuevo</em>" in page and "Texto *nuevo*" in page
    db.session.refresh(version)
    assert version.title == "Procedimiento de prueba"


def test_validation_error_keeps_what_was_typed(client, users, login, make_document):
    document = make_document()
    login("author")
    response = client.post(f"/documentos/{document.code}/v/1/editar", data={
        "title": "", "s_objetivo": "Un texto largo que no debe perderse", "lock_version": "1", "save": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Este campo es obligatorio." in page
    assert "Un texto largo que no debe perderse" in page


def test_concurrent_save_is_refused_showing_the_other_text(client, users, login, make_document):
    from qms.documents import service

    document = make_document()
    version = document.versions[0]
    service.set_coauthors(users["quality"], version, [users["quality"]])
    db.session.commit()
    stale = version.lock_version
    service.save_draft(users["quality"], version, title="Título de calidad", sections={"objetivo": "Texto de calidad"},
                       change_description="", expected_lock_version=stale)
    db.session.commit()
    login("author")
    response = client.post(f"/documentos/{document.code}/v/1/editar", data={
        "title": "Título de autora", "s_objetivo": "Texto de la autora", "lock_version": stale, "save": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Otra persona guardó esta versión" in page
    assert "Texto de la autora" in page and "Texto de calidad" in page
    db.session.refresh(version)
    assert version.sections["objetivo"] == "Texto de calidad"


def test_extra_fields_such_as_state_are_ignored(client, users, login, make_document):
    document = make_document()
    version = document.versions[0]
    login("author")
    client.post(f"/documentos/{document.code}/v/1/editar", data={
        "title": "T", "s_objetivo": "x", "lock_version": version.lock_version, "save": "1",
        "state": "effective", "number": "7", "output_sha256": "f" * 64})
    db.session.refresh(version)
    assert (version.state, version.number, version.output_sha256) == ("draft", 1, None)


def test_workflow_through_the_pages(client, app, users, login, make_document):
    document = make_document()
    code = document.code
    login("author")
    response = client.post(f"/documentos/{code}/v/1/accion/submit", data={"submit-password": PASSWORD})
    assert response.status_code == 302
    client.post("/salir")
    login("reviewer")
    response = client.post(f"/documentos/{code}/v/1/accion/pass_review", data={"pass_review-password": "mala-clave-1"})
    assert response.status_code == 400 and "La contraseña no es correcta." in response.get_data(as_text=True)
    client.post(f"/documentos/{code}/v/1/accion/pass_review", data={"pass_review-password": PASSWORD})
    client.post("/salir")
    login("approver")
    response = client.post(f"/documentos/{code}/v/1/accion/approve", data={
        "approve-password": PASSWORD, "approve-effective_date": today_local().isoformat()})
    assert response.status_code == 302
    version = db.session.scalar(sa.select(DocumentVersion).where(DocumentVersion.document_id == document.id))
    assert version.state == "effective"


def test_wrong_state_transition_from_the_page(client, users, login, make_document):
    document = make_document()
    login("approver")
    response = client.post(f"/documentos/{document.code}/v/1/accion/approve", data={"approve-password": PASSWORD})
    assert response.status_code == 400
    assert "No se puede «aprobar» una versión en estado «Borrador»." in response.get_data(as_text=True)


def test_unknown_action_and_document_are_404(client, users, login, make_document):
    document = make_document()
    login("quality")
    assert client.post(f"/documentos/{document.code}/v/1/accion/explode", data={}).status_code == 404
    assert client.get("/documentos/NO-EXISTE/v/1").status_code == 404
    assert client.get(f"/documentos/{document.code}/v/99").status_code == 404


def test_staff_cannot_see_drafts_and_existence_does_not_leak(client, users, login, make_document):
    draft = make_document(title="Borrador secreto")
    effective = make_document(title="Procedimiento vigente", state="effective")
    login("staff")
    assert client.get(f"/documentos/{draft.code}/v/1").status_code == 404
    assert client.get(f"/documentos/{draft.code}").status_code == 404
    register = client.get("/documentos/").get_data(as_text=True)
    assert "Procedimiento vigente" in register and "Borrador secreto" not in register
    assert client.get(f"/documentos/{effective.code}").status_code == 302


def test_register_filters_and_sorts(client, users, login, make_document):
    make_document(title="Bravo vigente", state="effective")
    make_document(title="Alfa en revisión", state="in_review")
    login("quality")
    effective_only = client.get("/documentos/?state=effective").get_data(as_text=True)
    assert "Bravo vigente" in effective_only and "Alfa en revisión" not in effective_only
    by_title = client.get("/documentos/?sort=title").get_data(as_text=True)
    assert by_title.index("Alfa en revisión") < by_title.index("Bravo vigente")
    by_text = client.get("/documentos/?q=bravo").get_data(as_text=True)
    assert "Bravo vigente" in by_text and "Alfa en revisión" not in by_text


def test_compare_marks_insertions_and_deletions(client, users, login, make_document):
    from qms.documents import service
    from tests.conftest import walk_to

    document = make_document(state="effective", sections={"objetivo": "Controlar los registros del servicio."})
    v2 = service.start_revision(users["author"], document)
    service.save_draft(users["author"], v2, title=v2.title, sections={"objetivo": "Controlar los documentos del servicio."},
                       change_description="Cambio de objeto.")
    walk_to(v2, "effective", users)
    db.session.commit()
    login("staff")
    page = client.get(f"/documentos/{document.code}/comparar?a=1&b=2").get_data(as_text=True)
    assert "<del>registros</del>" in page and "<ins>documentos</ins>" in page


def test_acknowledge_from_the_inbox(client, users, login, make_document):
    from qms.auth.models import Role
    from qms.documents import service

    document = make_document(state="effective")
    service.set_distribution(users["quality"], document,
                             roles=[db.session.scalar(sa.select(Role).where(Role.name == "staff"))])
    db.session.commit()
    login("staff")
    assert document.code in client.get("/pendientes").get_data(as_text=True)
    client.post(f"/documentos/{document.code}/v/1/conocimiento")
    assert document.code not in client.get("/pendientes").get_data(as_text=True)
    client.post("/salir")
    login("quality")
    report = client.get(f"/documentos/{document.code}/v/1/lecturas").get_data(as_text=True)
    assert "Persona Staff" in report


def test_record_types_the_procedure_produces(client, users, login, make_document):
    from qms.documents import service
    from qms.documents.models import ImmutableVersionError
    from qms.records.models import RecordType
    from tests.conftest import walk_to

    audit_report = db.session.scalar(sa.select(RecordType).where(RecordType.code == "INF-AUD"))
    document = make_document()
    version = document.versions[0]
    login("author")
    client.post(f"/documentos/{document.code}/v/1/editar", data={
        "title": version.title, "s_objetivo": "x", "lock_version": version.lock_version, "save": "1",
        "record_types": [audit_report.id]})
    db.session.refresh(version)
    assert [t.code for t in version.record_types] == ["INF-AUD"]
    assert "INF-AUD" in client.get(f"/documentos/{document.code}/v/1").get_data(as_text=True)
    walk_to(version, "effective", users)
    assert version.signatures[-1].content_sha256  # record types are part of the signed content
    revision = service.start_revision(users["author"], document)
    assert [t.code for t in revision.record_types] == ["INF-AUD"]
    version.record_types = []
    import pytest

    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
