"""Document workflow events reach the right people, in the app and by email, with links."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from qms.documents import service
from qms.extensions import db
from qms.notifications import outbox
from qms.notifications.models import Notification, OutboxMessage
from tests.conftest import PASSWORD
from tests.notifications.conftest import BASE_URL, body


def _notes(user, kind):
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.kind == kind)).all()


def _step(users, version, role, name, comment=""):
    service.apply_transition(users[role], version, name, password=PASSWORD, comment=comment)
    db.session.commit()


def test_from_draft_to_effective_each_person_learns_their_step(app, users, emails, mailbox, make_document):
    document = make_document(title="Control de documentos")
    version = document.versions[0]
    service.set_distribution(users["quality"], document, roles=[r for r in users["staff"].roles])
    db.session.commit()

    _step(users, version, "author", "submit")
    assert [n.text for n in _notes(users["reviewer"], "document:review_requested")] == [
        f"Persona Author envió a revisión {document.code} v01 «Control de documentos»."]
    assert _notes(users["author"], "document:review_requested") == []  # who acted is not told
    assert _notes(users["approver"], "document:review_requested") == []

    _step(users, version, "reviewer", "return_review", comment="Falta el alcance regional.")
    returned = _notes(users["author"], "document:returned")
    assert len(returned) == 1 and "Falta el alcance regional." in returned[0].text

    _step(users, version, "author", "submit")
    _step(users, version, "reviewer", "pass_review")
    assert len(_notes(users["approver"], "document:approval_requested")) == 1
    _step(users, version, "approver", "approve")
    ack = _notes(users["staff"], "document:ack_requested")
    assert len(ack) == 1
    # 10 working days after the effective date (today), shown dd-mm-aaaa.
    from qms.timeutil import add_working_days, format_date, today_local
    assert format_date(add_working_days(today_local(), 10)) in ack[0].text
    assert ack[0].link == f"/documentos/{document.code}/v/1"

    report = outbox.send_due()
    assert report.sent == len(mailbox.received) == 4
    assert sorted(r for rcpt, _m in mailbox.received for r in rcpt) == [
        "approver@example.cl", "author@example.cl", "reviewer@example.cl", "staff@example.cl"]
    staff_mail = mailbox.to("staff@example.cl")
    assert len(staff_mail) == 1
    message = staff_mail[0]
    assert message["Subject"].startswith("[QMS] Entró en vigencia")
    assert message["From"] == "qms@calidad.example.cl"
    assert f"{BASE_URL}{ack[0].link}" in body(message)
    assert f'href="{BASE_URL}{ack[0].link}"' in body(message, "html")
    assert "Hola Persona Staff:" in body(message)
    # The reviewer got two review requests (one per submission) — at most one mail an hour
    # about the same version: the second waits for the digest.
    assert len(mailbox.to("reviewer@example.cl")) == 1
    assert {n.email_state for n in _notes(users["reviewer"], "document:review_requested")} == {"queued", "digest"}


def test_rolled_back_transition_leaves_no_notice(app, users, emails, make_document):
    document = make_document()
    version = document.versions[0]
    service.apply_transition(users["author"], version, "submit", password=PASSWORD)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_a_user_without_email_is_told_in_the_app_only(app, users, mailbox, make_document):
    document = make_document()
    _step(users, document.versions[0], "author", "submit")
    note = _notes(users["reviewer"], "document:review_requested")[0]
    assert note.email_state == "none"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert outbox.send_due().sent == 0 and mailbox.received == []


def test_with_smtp_off_nothing_is_queued(app, users, emails, make_document):
    app.config["SMTP_HOST"] = ""
    document = make_document()
    _step(users, document.versions[0], "author", "submit")
    assert len(_notes(users["reviewer"], "document:review_requested")) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
