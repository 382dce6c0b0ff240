"""The inbox costs the same few statements with 2 or 40 items per section, and shows at
most ``INBOX_CAP`` of each with a "ver todos" link to the rest, a page at a time."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from qms.auth.models import Role
from qms.documents import service
from qms.documents.models import DocumentVersion
from qms.documents.queries import INBOX_CAP
from qms.extensions import db
from qms.timeutil import today_local
from tests.statements import statements_for

PEOPLE = ("author", "reviewer", "approver", "quality", "staff")


def _add(make_document, users, count: int) -> None:
    staff_role = db.session.scalar(sa.select(Role).where(Role.name == "staff"))
    for n in range(count):
        for state in ("draft", "returned", "in_review", "in_approval"):
            make_document(title=f"Procedimiento {state} {n}", state=state)
        document = make_document(title=f"Procedimiento vigente {n}", state="effective")
        service.set_distribution(users["quality"], document, roles=[staff_role])
    # Every effective version falls due for its periodic review within the month.
    db.session.execute(sa.update(DocumentVersion).where(DocumentVersion.state == "effective")
                       .values(review_due=today_local() + timedelta(days=5)))
    db.session.commit()


def _costs(app, login) -> dict[str, int]:
    costs = {}
    for name in PEOPLE:
        browser = app.test_client()
        login(name, target=browser)
        statements_for(browser, "/pendientes")  # the first page of a session also loads it
        costs[name] = statements_for(browser, "/pendientes")
    return costs


def test_the_inbox_costs_the_same_whatever_the_data_size(app, login, users, make_document):
    _add(make_document, users, 2)
    few = _costs(app, login)
    _add(make_document, users, INBOX_CAP + 8)
    many = _costs(app, login)
    assert many == few
    # 15 for documents, CAPA, PNC, audits and records; the navigation bar's count of unread
    # notifications adds one on every page, the indicators' sections one more (two for the
    # committee, who also confirms measurements), the PMG's one more (whether the person has
    # activities in this year's work programme).
    assert max(many.values()) <= 19, many


def test_each_section_is_capped_and_ver_todos_pages_the_rest(client, login, users, make_document):
    _add(make_document, users, INBOX_CAP + 5)
    login("staff")
    page = client.get("/pendientes").get_data(as_text=True)
    assert page.count("Procedimiento vigente") == INBOX_CAP
    assert f"Ver todos ({INBOX_CAP + 5})" in page
    first = client.get("/pendientes/documentos?seccion=acknowledgements").get_data(as_text=True)
    assert first.count("Procedimiento vigente") == INBOX_CAP + 5  # one page of 50
    assert client.get("/pendientes/documentos?seccion=to_approve").status_code == 404  # not staff's work
    assert client.get("/pendientes/documentos?seccion=nada").status_code == 404
