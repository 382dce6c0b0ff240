"""No floods: one email per person and object an hour, a daily digest for the rest, and
each person's choice per kind (immediately, digest, in the app only)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from freezegun import freeze_time

from qms.extensions import db
from qms.notifications import digest, notify, outbox
from qms.notifications.models import Notification, OutboxMessage
from tests.notifications.conftest import BASE_URL, body

#: 10:00 in Santiago (UTC-3 in March), after the digest hour.
MORNING = datetime(2026, 3, 10, 13, 0, tzinfo=timezone.utc)


def _tell(users, object_id, text, role="staff", kind="escalation"):
    notify(kind, "process", object_id, [users[role]], text)
    db.session.commit()


def test_one_mail_per_object_an_hour_and_the_rest_in_one_digest(app, users, emails, mailbox, process):
    with freeze_time(MORNING):
        _tell(users, process.id, "Primer aviso del proceso")
        _tell(users, process.id, "Segundo aviso del proceso")
        _tell(users, process.id, "Tercer aviso del proceso")
        _tell(users, process.id + 1, "Aviso de otro objeto")
        assert outbox.send_due().sent == 2
    subjects = sorted(m["Subject"] for m in mailbox.to("staff@example.cl"))
    assert subjects == ["[QMS] Aviso de otro objeto", "[QMS] Primer aviso del proceso"]
    held = db.session.scalars(sa.select(Notification).where(Notification.email_state == "digest")).all()
    assert sorted(n.text for n in held) == ["Segundo aviso del proceso", "Tercer aviso del proceso"]

    with freeze_time(MORNING + timedelta(minutes=61)):  # an hour later, a new mail may go
        _tell(users, process.id, "Cuarto aviso del proceso")
        assert outbox.send_due().sent == 1

    with freeze_time(MORNING + timedelta(days=1)):
        assert digest.send_digests() == 1
        assert digest.send_digests() == 0  # once a day, whoever runs it
        assert outbox.send_due().sent == 1
    digests = [m for m in mailbox.to("staff@example.cl") if "Resumen diario" in m["Subject"]]
    assert len(digests) == 1
    text = body(digests[0])
    assert "Escalamiento de pendientes vencidos (2):" in text  # grouped under its kind
    assert "Segundo aviso del proceso" in text and "Tercer aviso del proceso" in text
    assert "Cuarto aviso" not in text and "Primer aviso" not in text
    assert f"{BASE_URL}/notificaciones/preferencias" in text
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.email_state == "digest")) == 0


def test_the_digest_waits_for_its_hour(app, users, emails, process):
    app.config["NOTIFY_DIGEST_HOUR"] = 7
    with freeze_time(datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)):  # 06:00 in Santiago
        notify("escalation", "process", process.id, [users["staff"]], "Aviso")
        notify("escalation", "process", process.id, [users["staff"]], "Aviso retenido")
        db.session.commit()
        assert digest.send_digests() == 0
    with freeze_time(datetime(2026, 3, 10, 10, 30, tzinfo=timezone.utc)):  # 07:30
        assert digest.send_digests() == 1


def test_preferences_choose_the_channel_per_kind(app, users, emails, mailbox, client, login, process):
    login("staff")
    page = client.get("/notificaciones/preferencias")
    assert page.status_code == 200 and "Escalamiento de pendientes vencidos" in page.get_data(as_text=True)
    saved = client.post("/notificaciones/preferencias", data={
        "kind-escalation": "app", "kind-action:assigned": "digest", "kind-unknown": "app"})
    assert saved.status_code == 302
    from qms.trail.models import AuditEntry
    db.session.commit()  # the trail's pending entries take their place in the chain
    [entry] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "notifications.preferences_changed")).all()
    assert entry.details == {"escalation": ["immediate", "app"], "action:assigned": ["immediate", "digest"]}
    refused = client.post("/notificaciones/preferencias", data={"kind-escalation": "paloma"})
    assert refused.status_code == 200 and "Elija cómo recibir" in refused.get_data(as_text=True)

    notify("escalation", "process", process.id, [users["staff"]], "Solo en la aplicación")
    notify("action:assigned", "process", process.id + 1, [users["staff"]], "Para el resumen")
    db.session.commit()
    states = dict(db.session.execute(sa.select(Notification.text, Notification.email_state)).all())
    assert states == {"Solo en la aplicación": "none", "Para el resumen": "digest"}
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_telling_a_whole_distribution_costs_the_same_reads_as_telling_three(app, users, emails, process):
    """GIVEN 3 and then 30 recipients WHEN one event tells them THEN the reads are the same
    (preferences, flood limit and reminders already written are read for all at once)."""
    from qms.auth import service as auth
    from tests.statements import counting

    many = [auth.create_user(None, username=f"persona{n}", full_name=f"Persona {n}", password="clave-de-prueba-1",
                             roles=["staff"], email=f"persona{n}@example.cl") for n in range(30)]
    db.session.commit()

    def reads(people, object_id):
        db.session.commit()
        for person in people:  # loaded as a caller has them, before the count
            assert person.is_enabled and person.email
        with counting() as statements:
            notify("escalation", "process", object_id, people, "Aviso a muchos", dedupe_key=f"k{object_id}")
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    assert reads(many[:3], 1) == reads(many, 2)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 33


def test_links_keep_the_sites_prefix_once(app):
    """A site served under a prefix builds its paths with it; the base URL's host goes in front once."""
    from qms.notifications import mailer

    app.config["BASE_URL"] = "https://servicio.example.cl/calidad"
    assert mailer.absolute("/calidad/documentos/PR-GT-01") == "https://servicio.example.cl/calidad/documentos/PR-GT-01"
    assert mailer.preferences_url() == "https://servicio.example.cl/calidad/notificaciones/preferencias"
