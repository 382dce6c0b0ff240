"""The PMG pages cost the same number of statements with 2 activities as with 12."""
from datetime import date

from qms.extensions import db
from tests.statements import statements_for


def add_activities(users, programme, make_document, count: int):
    from qms.pmg import service

    for n in range(count):
        document = make_document(title=f"Procedimiento {len(programme.activities) + 1}", state="effective")
        service.save_activity(users["quality"], programme, title=f"Revisar el procedimiento {n}",
                              responsible=users["quality"], starts_on=date(2026, 2, 1), ends_on=date(2026, 3, 1),
                              link_kind="document", link_id=document.id)
    db.session.commit()


def test_stage_and_programme_pages_do_not_grow_with_their_rows(app, client, login, users, programme, make_document):
    login("quality")
    add_activities(users, programme, make_document, 1)
    few = {url: statements_for(client, url) for url in ("/pmg/2026", "/pmg/2026/programa")}
    add_activities(users, programme, make_document, 10)
    many = {url: statements_for(client, url) for url in ("/pmg/2026", "/pmg/2026/programa")}
    assert many == few, (few, many)
