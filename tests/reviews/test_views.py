"""Review pages: a refused form keeps what was typed; the acta downloads only once approved."""
from datetime import date

import pytest
from freezegun import freeze_time

from qms.extensions import db

MARK = "Decisión que escribió la persona <y no se pierde>"


@pytest.fixture(autouse=True)
def november():
    with freeze_time("2026-11-20 15:00:00"):
        yield


def test_a_refused_decision_keeps_the_typing(client, login, users, review):
    from qms.reviews import service

    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["quality"].id])
    db.session.commit()
    login("quality")
    response = client.post(f"/revisiones/{review.code}/decision", data={
        "kind": "improvement", "description": MARK, "owner_id": users["staff"].id, "due_date": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Indique el plazo" in page
    assert "Decisión que escribió la persona &lt;y no se pierde&gt;" in page
    db.session.rollback()
    assert review.decisions == []


def test_a_refused_hold_keeps_the_analysis_and_writes_nothing(client, login, users, review):
    login("quality")
    response = client.post(f"/revisiones/{review.code}/realizar", data={"held_on": "2026-11-15"})
    assert response.status_code == 400 and "Marque quiénes asistieron" in response.get_data(as_text=True)
    db.session.rollback()
    assert review.state == "planned" and review.snapshot is None
    assert client.get(f"/revisiones/{review.code}/acta").status_code == 404


def test_a_review_is_hidden_from_those_who_do_not_take_part(app, client, login, users, review):
    login("author")
    assert client.get(f"/revisiones/{review.code}").status_code == 404
    other = app.test_client()
    login("auditor", target=other)  # a participant (and an indicator reader)
    assert other.get(f"/revisiones/{review.code}").status_code == 200
