"""Records in the search index (permission-aware) and the demo register."""
import pytest
import sqlalchemy as sa

from qms.extensions import db


@pytest.fixture(autouse=True)
def _close_searchers():
    yield
    from qms.search import engine

    engine.close_all()


def _search(app, user, text):
    from qms.search.service import SearchRequest, search

    with app.test_request_context():
        return search(user, SearchRequest(text=text, include_archived=True))


def test_records_are_found_by_words_and_code_respecting_confidentiality(app, users, make_record):
    from qms.auth.models import Role
    from qms.records import service

    roles = db.session.scalars(sa.select(Role).where(Role.name == "approver")).all()
    service.save_record_type(users["quality"], None, allowed_roles=roles, code="EVAL-DES",
                             name="Evaluación de desempeño", retention_years=5, is_confidential=True)
    db.session.commit()
    open_record = make_record(title="Informe de auditoría a la Dirección Regional de Valparaíso")
    secret = service.register_produced_record(
        users["auditor"], type_code="EVAL-DES", title="Evaluación de auditoría reservada", record_date=open_record.record_date,
        data=b"%PDF-1.4 reservada", filename="r.pdf", content_type="", source_kind="audit", source_id=9)
    db.session.commit()
    hits = lambda user: {h.object_id for h in _search(app, user, "auditorias").hits if h.kind == "record"}  # noqa: E731
    assert hits(users["auditor"]) == {open_record.id}
    assert hits(users["approver"]) == {open_record.id, secret.id}
    assert hits(users["staff"]) == set()


def test_demo_records_load_once(app, users):
    from qms.records.demo import load_demo_records
    from qms.records.models import Record

    assert load_demo_records() == 0  # no demo users: nothing to do
    from qms.auth import service as auth_service

    auth_service.create_user(None, username="calidad", full_name="Encargada de Calidad", password="x" * 12,
                             roles=["quality"])
    count = load_demo_records()
    db.session.commit()
    assert count >= 10 and load_demo_records() == 0
    assert db.session.scalar(sa.select(sa.func.count(Record.id))) == count
