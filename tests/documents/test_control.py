"""Drafts belong to their authors; default distribution lists; periodic review without changes."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.auth import service as auth
from qms.documents import control, service
from qms.documents.models import DocumentType
from qms.documents.word_context import approval_of
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.timeutil import add_months, today_local
from qms.trail.models import AuditEntry
from tests.conftest import PASSWORD


@pytest.fixture
def second_author(users):
    user = auth.create_user(None, username="autora2", full_name="Persona Autora Dos", password=PASSWORD,
                            roles=["author"], position="Analista")
    db.session.commit()
    return user


# -- 7. ownership of drafts ------------------------------------------------------------
def test_another_author_reads_but_cannot_save_or_submit(client, login, users, make_document, second_author):
    version = make_document().versions[0]
    login("autora2")
    assert client.get(f"/documentos/{version.document.code}/v/1").status_code == 200
    response = client.post(f"/documentos/{version.document.code}/v/1/editar", data={
        "title": "Tomado", "s_objetivo": "Otro texto", "lock_version": version.lock_version, "save": "1"})
    assert response.status_code == 302  # back to the version, with the reason
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Este borrador pertenece a Persona Author" in shown and "no se puede editar" not in shown
    db.session.refresh(version)
    assert version.title == "Procedimiento de prueba"
    with pytest.raises(ServiceError, match="pertenece a Persona Author"):
        service.save_draft(second_author, version, title="x", sections={"objetivo": "y"}, change_description="")
    with pytest.raises(ServiceError, match="pertenece a Persona Author"):
        service.apply_transition(second_author, version, "submit", password=PASSWORD)


def test_committee_adds_a_coauthor_and_elaboro_names_who_saved(users, make_document, second_author):
    version = make_document().versions[0]
    with pytest.raises(PermissionDenied):
        service.set_coauthors(users["author"], version, [second_author])
    service.set_coauthors(users["quality"], version, [second_author])
    service.save_draft(second_author, version, title=version.title, sections={"objetivo": "Aporte de la coautora."},
                       change_description="")
    service.apply_transition(second_author, version, "submit", password=PASSWORD)
    assert {u.username for u in version.contributors} == {"author", "autora2"}
    assert approval_of(version)["authored"]["name"] == "Persona Author, Persona Autora Dos"
    # Both wrote it: neither may review it (segregation of duties).
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "document.coauthors")).one()
    assert entry.details["coauthors"] == [[], ["autora2"]]


# -- 9. default distribution -------------------------------------------------------------
def test_new_documents_take_the_default_distribution_of_type_and_process(users, make_document, process):
    from qms.auth.models import Role

    assert [e.role.name for e in make_document().distribution] == ["staff"]  # the reference default
    doc_type = db.session.scalar(sa.select(DocumentType).where(DocumentType.code == "PR"))
    auditor = db.session.scalar(sa.select(Role).where(Role.name == "auditor"))
    control.set_default_distribution(users["quality"], doc_type=doc_type, roles=[])
    control.set_default_distribution(users["quality"], process=process, roles=[auditor])
    db.session.commit()
    assert [e.role.name for e in make_document(title="Otro").distribution] == ["auditor"]
    with pytest.raises(PermissionDenied):
        control.set_default_distribution(users["author"], process=process, roles=[])


def test_approving_with_an_empty_distribution_asks_for_confirmation(client, login, users, make_document):
    version = make_document(state="in_approval").versions[0]
    service.set_distribution(users["quality"], version.document)
    db.session.commit()
    login("approver")
    page = client.get(f"/documentos/{version.document.code}/v/1").get_data(as_text=True)
    assert "La lista de distribución está vacía" in page
    response = client.post(f"/documentos/{version.document.code}/v/1/accion/approve", data={
        "approve-password": PASSWORD, "approve-lock_version": version.lock_version})
    assert response.status_code == 400 and "Aprobar sin distribución" in response.get_data(as_text=True)
    response = client.post(f"/documentos/{version.document.code}/v/1/accion/approve", data={
        "approve-password": PASSWORD, "approve-lock_version": version.lock_version,
        "approve-confirm_empty_distribution": "y"})
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.state == "effective"


# -- 10. periodic review without changes ---------------------------------------------------
def test_a_due_review_with_no_changes_resets_the_date_without_a_new_version(client, login, users, make_document):
    with freeze_time("2024-01-10 12:00:00"):
        document = make_document(state="effective")
    version = document.versions[0]
    assert version.review_due < today_local()
    login("quality")
    page = client.get(f"/documentos/{document.code}/v/1").get_data(as_text=True)
    assert "Revisión periódica: revisado, sin cambios" in page
    response = client.post(f"/documentos/{document.code}/v/1/revisado-sin-cambios", data={
        "revision-comment": "Se revisó con el dueño del proceso; sigue vigente.", "revision-password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.review_due == add_months(today_local(), 24) and len(document.versions) == 1
    assert version.reviews[0].signer_name == "Persona Quality" and version.reviews[0].previous_due
    page = client.get(f"/documentos/{document.code}/v/1").get_data(as_text=True)
    assert "Revisado, sin cambios (Persona Quality)" in page
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "version.reviewed_unchanged")).one()


def test_review_is_refused_when_not_due_without_comment_or_by_others(users, make_document):
    version = make_document(state="effective").versions[0]
    with pytest.raises(ServiceError, match="puede registrarse desde"):
        control.mark_reviewed_unchanged(users["quality"], version, password=PASSWORD, comment="Bien.")
    version.review_due = today_local() - timedelta(days=1)
    with pytest.raises(ServiceError, match="Indique qué se revisó"):
        control.mark_reviewed_unchanged(users["quality"], version, password=PASSWORD, comment=" ")
    with pytest.raises(PermissionDenied):
        control.mark_reviewed_unchanged(users["staff"], version, password=PASSWORD, comment="Bien.")
    with pytest.raises(ServiceError, match="contraseña"):
        control.mark_reviewed_unchanged(users["quality"], version, password="mala", comment="Bien.")
