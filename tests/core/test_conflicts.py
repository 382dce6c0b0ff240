"""Lost races become clear conflicts; any other database error still surfaces; the lazy tick
never fails the page that triggered it."""
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qms.db import STALE_MESSAGE, conflict_message
from qms.errors import ConflictError
from qms.extensions import db
from qms.web import as_conflict, attempt


def _duplicate_version_number(document):
    """Flush a second «Versión 01» of ``document``: what two simultaneous new versions did."""
    from qms.documents.models import DocumentVersion

    db.session.add(DocumentVersion(document=document, number=1, title="t", verification_code="DUPLICADA"))
    db.session.flush()


def _duplicate_document_code(document):
    """Flush a second document with the same code: a bug, never a race (codes come from a locked counter)."""
    from qms.documents.models import Document

    db.session.add(Document(code=document.code, title="t", type_id=document.type_id, process_id=document.process_id))
    db.session.flush()


def test_a_stale_update_is_a_conflict():
    assert conflict_message(StaleDataError("UPDATE ... 0 were matched"), db.metadata) == STALE_MESSAGE


def test_a_declared_constraint_names_its_conflict(app, make_document):
    document = make_document()
    with pytest.raises(ConflictError, match="nueva versión de este documento") as raised:
        with as_conflict():
            _duplicate_version_number(document)
    assert isinstance(raised.value.__cause__, IntegrityError) and raised.value.status_code == 409
    db.session.rollback()


def test_one_version_in_force_per_document_is_kept_by_the_database(app, make_document):
    from qms.documents.models import DocumentVersion

    document = make_document(state="effective")
    db.session.add(DocumentVersion(document=document, number=2, state="effective", title="t",
                                   verification_code="SEGUNDA"))
    with pytest.raises(ConflictError, match="entró en vigencia al mismo tiempo"):
        with as_conflict():
            db.session.flush()
    db.session.rollback()


def test_an_undeclared_violation_surfaces_unchanged(app, make_document):
    document = make_document()
    with pytest.raises(IntegrityError):
        attempt(lambda: _duplicate_document_code(document))
    db.session.rollback()


def test_attempt_shows_a_lost_race_as_a_refusal(app, make_document):
    document = make_document()
    with app.test_request_context():
        outcome = attempt(lambda: _duplicate_version_number(document))
        assert not outcome.ok and outcome.status == 409
        from flask import get_flashed_messages

        assert any("nueva versión de este documento" in m for m in get_flashed_messages())


@pytest.fixture
def committing_views(app, make_document):
    """Two pages that commit by themselves, as some views do: a lost race, and a bug."""
    from qms.web import public

    document = make_document()
    code = document.code

    def commit_with(fault):
        def view():
            from qms.documents.models import Document

            fault(db.session.scalar(sa.select(Document).where(Document.code == code)))
            db.session.commit()
            return "hecho"
        return public(view)

    app.add_url_rule("/prueba/carrera", "race_page", commit_with(_duplicate_version_number))
    app.add_url_rule("/prueba/error", "bug_page", commit_with(_duplicate_document_code))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page, not the exception
    db.session.commit()
    return app.test_client()


def test_a_view_committing_by_itself_shows_a_lost_race_as_409(committing_views):
    response = committing_views.get("/prueba/carrera")
    assert response.status_code == 409
    assert "nueva versión de este documento" in response.get_data(as_text=True)


def test_a_view_committing_by_itself_still_fails_loudly_on_a_bug(committing_views, caplog):
    with caplog.at_level(logging.ERROR):
        response = committing_views.get("/prueba/error")
    assert response.status_code == 500
    assert any(r.exc_info and isinstance(r.exc_info[1], IntegrityError) for r in caplog.records)


@pytest.fixture
def app_overrides():
    return {"TICK_INTERVAL_SECONDS": 0}


def test_a_failing_tick_is_logged_and_the_page_is_served(app, client, users, login, monkeypatch, caplog):
    from qms.documents import service

    calls = []

    def broken_tick():
        calls.append(1)
        raise RuntimeError("la base de datos se fue")

    monkeypatch.setattr(service, "tick", broken_tick)
    db.session.commit()
    with caplog.at_level(logging.ERROR, logger="qms.home.setup"):
        assert login("author").status_code == 302
        db.session.commit()
        response = client.get("/pendientes")
    assert response.status_code == 200 and len(calls) == 2
    assert any("tick" in r.getMessage() for r in caplog.records)


def test_the_tick_waits_while_the_requests_session_holds_a_transaction(app, client, users, monkeypatch):
    from qms.documents import service

    calls = []
    monkeypatch.setattr(service, "tick", lambda: calls.append(1) or 0)
    db.session.commit()
    db.session.get(type(users["author"]), users["author"].id)  # a transaction is open now
    client.get("/ingresar")
    db.session.commit()
    client.get("/ingresar")
    assert len(calls) == 1
