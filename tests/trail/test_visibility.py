"""The trail shows an entry only to a user who may see its object: confidential records,
drafts and unregistered object types are left out entirely, before counting and paging."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from qms.documents import service as documents
from qms.extensions import db
from qms.trail import service as trail
from qms.trail.models import AuditEntry
from tests.records.conftest import pdf_bytes

SECRET_TITLE = "Evaluación confidencial de Juana Pérez"
SECRET_FILE = "juana-perez-evaluacion.pdf"
DRAFT_TITLE = "Borrador reservado de la revisión"
DRAFT_CHANGE = "Cambios aún en preparación"


def _seqs(page: str) -> list[int]:
    """Return the sequence numbers of the rows of a trail page, in order."""
    return [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", page)]


@pytest.fixture
def secret(users, record_types):
    """A record of a confidential type readable only by the committee (role ``quality``)."""
    from qms.auth.models import Role
    from qms.records import service

    roles = db.session.scalars(sa.select(Role).where(Role.name == "quality")).all()
    record_type = service.save_record_type(users["quality"], None, allowed_roles=roles, code="EVAL-DES",
                                           name="Evaluación de desempeño", retention_years=5, is_confidential=True)
    record = service.create_record(users["quality"], record_type=record_type, title=SECRET_TITLE,
                                   record_date=date(2024, 1, 1), data=pdf_bytes("juana"), filename=SECRET_FILE)
    db.session.commit()
    return record


def _trail_urls(record) -> list[str]:
    return [f"/bitacora/?object_type=record&object_id={record.id}", "/bitacora/", "/bitacora/?action=record."]


@pytest.mark.parametrize("role, status", [("auditor", 404), ("admin", 403)])
def test_confidential_record_entries_are_left_out_for_who_cannot_open_it(client, login, secret, role, status):
    login(role)
    assert client.get(f"/registros/{secret.id}").status_code == status
    filtered = client.get(f"/bitacora/?object_type=record&object_id={secret.id}").get_data(as_text=True)
    assert "Sin entradas." in filtered and _seqs(filtered) == []
    for url in _trail_urls(secret):
        page = client.get(url).get_data(as_text=True)
        for leak in (SECRET_TITLE, SECRET_FILE, secret.code):
            assert leak not in page, f"{url} shows {leak!r} to {role}"


def test_the_committee_named_on_the_type_sees_the_confidential_entries(client, login, secret):
    login("quality")
    page = client.get(f"/bitacora/?object_type=record&object_id={secret.id}").get_data(as_text=True)
    assert "record.created" in page and SECRET_TITLE in page and SECRET_FILE in page
    assert f'href="/registros/{secret.id}"' in page


def test_hidden_entries_are_neither_counted_nor_paged(client, login, secret, make_record, users):
    """GIVEN 60 entries of a confidential record between 60 of an open one
    THEN the auditor's pages hold only the open ones, 50 a page, and the pager counts them only."""
    shown = make_record(title="Informe de auditoría visible")
    for i in range(60):
        trail.record(users["quality"], "record.file_downloaded", "record", secret.id, secret.code, {"n": i})
        trail.record(users["quality"], "record.file_downloaded", "record", shown.id, shown.code, {"n": i})
    db.session.commit()
    expected = set(db.session.scalars(sa.select(AuditEntry.seq).where(
        AuditEntry.object_type.in_(("record", "record_type")),
        sa.not_(sa.and_(AuditEntry.object_type == "record", AuditEntry.object_id == str(secret.id))))))
    pages = -(-len(expected) // 50)
    assert pages == 2
    login("auditor")
    first = client.get("/bitacora/").get_data(as_text=True)
    second = client.get("/bitacora/?page=2").get_data(as_text=True)
    assert len(_seqs(first)) == 50 and f"Página 1 de {pages}" in first
    assert set(_seqs(first)) | set(_seqs(second)) == expected
    assert _seqs(first) + _seqs(second) == sorted(expected, reverse=True)


@pytest.fixture
def revised(make_document, users):
    """An effective document whose next version is still a draft with a new title."""
    document = make_document(title="Procedimiento vigente", state="effective")
    draft = documents.start_revision(users["author"], document)
    documents.save_draft(users["author"], draft, title=DRAFT_TITLE, sections=dict(document.versions[0].sections),
                         change_description=DRAFT_CHANGE)
    db.session.commit()
    return document


@pytest.mark.parametrize("username", ["lector", "admin"])
def test_draft_entries_are_left_out_for_staff_without_draft_access(client, login, revised, reader, username):
    login(username)
    page = client.get(f"/bitacora/documento/{revised.code}").get_data(as_text=True)
    assert "version.approve" in page and f"{revised.code} v01" in page
    for leak in (f"{revised.code} v02", DRAFT_TITLE, DRAFT_CHANGE):
        assert leak not in page
    everything = client.get("/bitacora/").get_data(as_text=True)
    assert f"{revised.code} v02" not in everything and DRAFT_TITLE not in everything


def test_the_committee_sees_the_draft_entries(client, login, revised):
    login("quality")
    page = client.get(f"/bitacora/documento/{revised.code}").get_data(as_text=True)
    assert f"{revised.code} v02" in page and DRAFT_TITLE in page and DRAFT_CHANGE in page
    assert f'href="/documentos/{revised.code}/v/2"' in page


def test_a_document_with_only_a_draft_has_no_trail_page_for_who_cannot_see_it(signed_in, make_document, reader):
    document = make_document(title="Procedimiento en borrador", state="draft")
    staff = signed_in("lector")
    assert staff.get(f"/bitacora/documento/{document.code}").status_code == 404
    assert "Procedimiento en borrador" not in staff.get("/bitacora/").get_data(as_text=True)
    committee = signed_in("quality")
    assert "Procedimiento en borrador" in committee.get(f"/bitacora/documento/{document.code}").get_data(as_text=True)


def test_entries_of_an_unregistered_type_are_for_the_administrator_only(signed_in, users):
    trail.record(users["quality"], "thing.changed", "thing", 7, "cosa sin registrar")
    db.session.commit()
    for username, sees in (("admin", True), ("quality", False), ("auditor", False)):
        page = signed_in(username).get("/bitacora/").get_data(as_text=True)
        assert ("cosa sin registrar" in page) is sees, username


def test_the_document_trail_pages_keep_the_code(client, login, make_document, users):
    document = make_document(state="effective")
    version = document.versions[0]
    for i in range(100):
        trail.record(users["quality"], "version.downloaded", "document_version", version.id, f"{document.code} v01")
    db.session.commit()
    login("quality")
    page = client.get(f"/bitacora/documento/{document.code}").get_data(as_text=True)
    assert f"/bitacora/documento/{document.code}?page=2" in page
    assert "document.created" in client.get(f"/bitacora/documento/{document.code}?page=2").get_data(as_text=True)


def test_the_modules_rule_has_the_last_word(signed_in, users, monkeypatch):
    """Should a kind's SQL rule ever let through what its ``can_view`` refuses, the row
    is still left out."""
    from qms.trail import registry

    lax = registry.ObjectKind(
        object_type="thing", label="Cosa", load=lambda ids: {i: object() for i in ids},
        can_view=lambda _user, _obj: False, visible_query=lambda _user: True,
        describe=lambda _obj: "cosa", link=lambda _obj: None)
    monkeypatch.setitem(registry._REGISTRY, "thing", lax)
    trail.record(users["quality"], "thing.changed", "thing", 7, "cosa que nadie ve")
    db.session.commit()
    assert "cosa que nadie ve" not in signed_in("admin").get("/bitacora/").get_data(as_text=True)
