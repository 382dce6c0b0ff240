"""The notification centre (count in the bar, list with links, mark as read) and the
personal calendar feed, parsed with a real iCalendar parser."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from freezegun import freeze_time
from icalendar import Calendar

from qms.extensions import db
from qms.notifications import notify
from qms.notifications.models import CalendarToken, Notification
from tests.notifications.conftest import BASE_URL


def test_count_list_and_mark_as_read(app, users, client, login, make_document):
    document = make_document(state="effective")
    db.session.execute(sa.delete(Notification))  # the version's own notices to its distribution
    for text in ("Primer aviso", "Segundo aviso", "Tercer aviso"):
        notify("escalation", "document", document.id, [users["staff"]], text)
    others = notify("escalation", "document", document.id, [users["author"]], "Aviso de otra persona")
    db.session.commit()
    login("staff")
    home = client.get("/pendientes").get_data(as_text=True)
    assert 'data-unread="3"' in home
    page = client.get("/notificaciones").get_data(as_text=True)
    assert "Tercer aviso" in page and "Aviso de otra persona" not in page
    assert f'href="/documentos/{document.code}"' in page

    first = db.session.scalar(sa.select(Notification).where(Notification.text == "Primer aviso"))
    opened = client.post(f"/notificaciones/{first.id}/leida", data={"open": "1"})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/documentos/{document.code}"
    assert 'data-unread="2"' in client.get("/pendientes").get_data(as_text=True)

    # Someone else's notification is not theirs to mark.
    refused = client.post(f"/notificaciones/{others[0].id}/leida", follow_redirects=True)
    assert "Ese aviso no existe." in refused.get_data(as_text=True)
    db.session.refresh(others[0])
    assert others[0].read_at is None

    client.post("/notificaciones/leer-todas")
    assert "data-unread" not in client.get("/pendientes").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == users["staff"].id, Notification.read_at.is_(None))) == 0


def test_mark_as_read_needs_the_csrf_token(app, users, client, login, process):
    notify("escalation", "process", process.id, [users["staff"]], "Aviso")
    db.session.commit()
    login("staff")
    app.config["WTF_CSRF_ENABLED"] = True  # read on each request by CSRFProtect
    response = client.post("/notificaciones/leer-todas")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Notification.read_at)) is None


def test_the_calendar_feed_is_secret_revocable_and_parses(app, users, client, login, process):
    from qms.actions import service as actions

    app.config["BASE_URL"] = BASE_URL
    with freeze_time(datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)):
        action = actions.create_action(users["quality"], kind="corrective", source_kind="siac", source_ref="SIAC 9",
                                       title="Demoras", problem="Demoras en la atención.", process=process,
                                       owner=users["staff"])
        actions.add_task(users["staff"], action, description="Redistribuir turnos", responsible=users["author"],
                         due_date=date(2026, 3, 27))
        db.session.commit()

    login("author")
    made = client.post("/notificaciones/calendario")
    text = made.get_data(as_text=True)
    assert made.status_code == 200 and "/calendario/" in text
    url = text.split("/calendario/", 1)[1].split(".ics", 1)[0]
    token_row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == users["author"].id))
    assert url not in token_row.token_sha256  # only its hash is kept

    anonymous = app.test_client()  # a calendar app has no session
    feed = anonymous.get(f"/calendario/{url}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    events = [c for c in calendar.walk("VEVENT")]
    [task] = [e for e in events if str(e["summary"]).startswith("Plazo tarea")]
    assert task.decoded("dtstart") == date(2026, 3, 27)
    assert str(task["summary"]) == f"Plazo tarea 1 · {action.code}"
    with app.test_request_context():
        from flask import url_for
        assert str(task["url"]) == BASE_URL + url_for("actions.detail", action_code=action.code)

    # A new address replaces the old one; revoking ends it.
    client.post("/notificaciones/calendario")
    assert anonymous.get(f"/calendario/{url}.ics").status_code == 404
    client.post("/notificaciones/calendario", data={"revoke": "1"})
    assert db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == users["author"].id)) is None
    assert anonymous.get("/calendario/cualquier-cosa.ics").status_code == 404
    from qms.trail.models import AuditEntry
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.startswith("notifications."))
                                 .order_by(AuditEntry.seq)).all()
    assert actions == ["notifications.calendar_issued", "notifications.calendar_issued",
                       "notifications.calendar_revoked"]


def test_the_calendar_shows_audits_and_document_reviews(app, users, process, make_document):
    from qms.notifications import calendar_feed
    from tests.audits.factories import plan_audit

    audit = plan_audit(users, process, start=date(2026, 4, 6), end=date(2026, 4, 7))  # staff is audited
    document = make_document(title="Atención de consultas", state="effective")
    document.owner_id = users["staff"].id
    db.session.commit()
    token = calendar_feed.issue(users["staff"])
    db.session.commit()
    calendar = Calendar.from_ical(app.test_client().get(f"/calendario/{token}.ics").data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    visit = events[f"Auditoría {audit.code}: {audit.title}"]
    assert (visit.decoded("dtstart"), visit.decoded("dtend")) == (date(2026, 4, 6), date(2026, 4, 8))
    version = document.versions[0]
    review = events[f"Revisión de {document.code} v01 «Atención de consultas»"]
    assert review.decoded("dtstart") == version.review_due
    assert str(review["uid"]) == f"document-review-{version.id}@qms"
