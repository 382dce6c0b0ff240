"""The outbox: sent after commit, never twice (a crash between sending and marking, two
runners at once), retried with back-off when the server is wrong or away, failures shown."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.notifications import notify, outbox
from qms.notifications.models import OutboxMessage
from qms.timeutil import clock_at, now_utc


def _queue(users, count=1, role="staff"):
    """Notify ``role`` about ``count`` different objects: ``count`` messages in the outbox."""
    for number in range(count):
        notify("escalation", "process", 10_000 + number, [users[role]], f"Aviso de prueba {number + 1}")
    db.session.commit()


def _messages():
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_crash_between_sending_and_marking_does_not_send_again(app, users, emails, mailbox, monkeypatch):
    _queue(users)
    real_mark = outbox._mark_sent

    def crash(_message):
        raise KeyboardInterrupt("the runner died before marking")

    monkeypatch.setattr(outbox, "_mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        outbox.send_due()
    db.session.rollback()
    monkeypatch.setattr(outbox, "_mark_sent", real_mark)
    assert len(mailbox.received) == 1
    [message] = _messages()
    assert message.state == "sending"  # the claim outlived its runner

    assert outbox.send_due().recovered == 0  # a fresh claim is left alone: its runner may be alive
    later = now_utc() + timedelta(seconds=app.config["SMTP_CLAIM_TIMEOUT_SECONDS"] + 1)
    with clock_at(later):
        report = outbox.send_due()
    assert (report.sent, report.recovered) == (0, 1)
    assert len(mailbox.received) == 1
    db.session.refresh(message)
    assert message.state == "sent" and message.sent_at is not None
    assert not outbox.journalled(message.message_id)  # marked: its journal line is gone


def test_old_sent_mail_and_read_notifications_are_purged(app, users, emails, mailbox):
    from qms.notifications.models import Notification
    from qms.notifications import service

    _queue(users, count=2)
    outbox.send_due()
    service.mark_all_read(users["staff"])
    db.session.commit()
    assert outbox.purge() == 0  # recent: kept
    with clock_at(now_utc() + timedelta(days=outbox.KEEP_READ_DAYS + 1)):
        assert outbox.purge() == 4
    assert _messages() == [] and db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_a_crash_before_the_server_accepted_sends_once_later(app, users, emails, mailbox, monkeypatch):
    _queue(users)
    from qms.notifications import mailer

    def die(_email):
        raise KeyboardInterrupt("the runner died while connecting")

    monkeypatch.setattr(mailer, "send", die)
    with pytest.raises(KeyboardInterrupt):
        outbox.send_due()
    monkeypatch.undo()
    db.session.rollback()
    assert mailbox.received == []
    with clock_at(now_utc() + timedelta(seconds=app.config["SMTP_CLAIM_TIMEOUT_SECONDS"] + 1)):
        assert outbox.send_due().sent == 1
    assert len(mailbox.received) == 1
    first_id = _messages()[0].message_id
    assert mailbox.message_ids() == [first_id]  # the Message-ID is the row's, on every attempt


def test_two_runners_at_once_send_each_message_once(app, users, emails, mailbox):
    _queue(users, count=12)
    start = threading.Barrier(2)
    reports, errors = [], []

    def runner():
        try:
            with app.app_context():
                start.wait()
                reports.append(outbox.send_due())
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    ids = mailbox.message_ids()
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sum(r.sent for r in reports) == 12
    db.session.expire_all()
    assert {m.state for m in _messages()} == {"sent"}


def test_an_unreachable_server_is_retried_with_back_off_then_shown_to_the_admin(
        app, users, emails, client, login, smtp_port):
    # No server listens on the port: every attempt is refused; the app keeps working.
    app.config.update(SMTP_MAX_ATTEMPTS=3, SMTP_RETRY_SECONDS=60)
    _queue(users)
    start = now_utc()
    report = outbox.send_due()
    assert (report.sent, report.failed) == (0, 1)
    [message] = _messages()
    assert message.state == "pending" and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert abs((message.next_attempt_at - start).total_seconds() - 60) < 5
    assert outbox.send_due().failed == 0  # not yet due again

    with clock_at(start + timedelta(seconds=61)):
        assert outbox.send_due().failed == 1
    db.session.refresh(message)
    assert message.attempts == 2 and abs((message.next_attempt_at - start).total_seconds() - 61 - 120) < 5
    with clock_at(start + timedelta(seconds=61 + 121)):
        outbox.send_due()
    db.session.refresh(message)
    assert message.state == "failed" and message.attempts == 3

    login("admin")
    page = client.get("/admin/correo")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "ConnectionRefusedError" in text and "staff@example.cl" in text and "fallido" in text
    assert client.post("/admin/correo", data={"retry": message.id}).status_code == 302
    db.session.refresh(message)
    assert message.state == "pending" and message.attempts == 0


def test_a_bounced_address_is_retried_and_its_reason_kept(app, users, emails, smtp_port):
    from aiosmtpd.controller import Controller

    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 Usuario desconocido"

    controller = Controller(Refusing(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        _queue(users)
        assert outbox.send_due().failed == 1
    finally:
        controller.stop()
    [message] = _messages()
    assert message.state == "pending" and "Usuario desconocido" in message.last_error


def test_a_page_that_notifies_works_when_the_mail_server_is_wrong(app, users, emails, client, login, make_document):
    app.config["SMTP_HOST"] = "smtp.invalid"
    document = make_document()
    login("author")
    response = client.post(f"/documentos/{document.code}/v/1/accion/submit",
                           data={"submit-password": "clave-de-prueba-1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert document.versions[0].state == "in_review"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) >= 1
    report = outbox.send_due()
    assert report.failed >= 1 and report.sent == 0


def test_a_wrong_port_setting_is_a_failed_delivery_not_a_broken_app(app, users, emails):
    app.config["SMTP_PORT"] = "veinticinco"
    _queue(users)
    assert outbox.send_due().failed == 1
    [message] = _messages()
    assert message.state == "pending" and "ValueError" in message.last_error


def test_an_address_no_header_can_hold_fails_at_once(app, users, emails):
    users["staff"].email = "staff@example.cl\nBcc: otro@example.cl"
    db.session.commit()
    _queue(users)
    report = outbox.send_due()
    assert (report.sent, report.failed) == (0, 1)
    [message] = _messages()
    assert message.state == "failed" and message.last_error
