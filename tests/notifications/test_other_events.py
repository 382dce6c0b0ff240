"""Audits, findings, nonconforming outputs and records tell the right people too."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from freezegun import freeze_time

from qms.extensions import db
from qms.notifications import reminders
from qms.notifications.models import Notification
from tests.audits.factories import NOON, load_record_types, nonconformity, own_process, plan_audit, started_audit


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def _notes(kind):
    return db.session.scalars(sa.select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.user_id, Notification.id)).all()


def test_a_finding_reaches_the_process_owner_and_its_action_the_owner(app, users, process):
    load_record_types()
    with freeze_time(NOON):
        own_process(process, users, owner="staff")
        audit = started_audit(users, process)
        finding, action = nonconformity(users, audit)
    [note] = _notes("audit:finding_raised")
    assert note.user_id == users["staff"].id
    assert note.text.startswith(f"En la auditoría {audit.code} se registró no conformidad menor {finding.label}")
    assert [n.user_id for n in _notes("action:assigned")] == [users["staff"].id]


def test_auditees_and_auditors_are_told_two_weeks_before_the_audit(app, users, process):
    with freeze_time(_noon(date(2026, 3, 1))):
        audit = plan_audit(users, process, start=date(2026, 4, 6), end=date(2026, 4, 7))
    with freeze_time(_noon(date(2026, 3, 22))):  # 15 days before
        reminders.run()
    assert _notes("audit:upcoming") == []
    with freeze_time(_noon(date(2026, 3, 23))):  # 14 days before
        reminders.run()
        reminders.run()
    told = {n.user_id for n in _notes("audit:upcoming")}
    assert told == {users["staff"].id, users["auditor"].id}
    assert len(_notes("audit:upcoming")) == 2
    assert f"La auditoría {audit.code}" in _notes("audit:upcoming")[0].text


def test_a_reported_pnc_reaches_the_owner_and_the_committee_and_a_late_treatment_is_reminded(app, users, process):
    from qms.nonconformities import service

    process.owner_id = users["approver"].id
    db.session.commit()
    with freeze_time(NOON):
        pnc = service.report(users["author"], output_kind="service", product="Atención de consultas",
                             process=process, region_code=None, description="Respuesta con datos de otra persona.",
                             detected_on=None)
        db.session.commit()
    told = {n.user_id for n in _notes("nonconformity:reported")}
    assert told == {users["approver"].id, users["quality"].id}  # the reporter knows already
    with freeze_time(_noon(pnc.treatment_due)):
        reminders.run()
    assert _notes("nonconformity:treatment_overdue") == []
    with freeze_time(_noon(date.fromordinal(pnc.treatment_due.toordinal() + 1))):
        reminders.run()
    assert {n.user_id for n in _notes("nonconformity:treatment_overdue")} == {users["quality"].id}


def test_records_past_retention_are_one_reminder_per_type(app, users, process):
    from qms.records import service
    from qms.records.defaults import load_default_record_types
    from tests.records.conftest import pdf_bytes

    load_default_record_types()
    record_type = service.get_type_by_code("REG-PNC")
    for number in range(3):
        service.create_record(users["quality"], record_type=record_type, title=f"Registro antiguo {number}",
                              record_date=date(2015, 1, 10 + number), data=pdf_bytes(f"r{number}"),
                              filename=f"r{number}.pdf", process=process)
    db.session.commit()
    reminders.run()
    reminders.run()
    notes = _notes("record:disposition_due")
    managers = {u.id for u in users.values() if u.can("record.manage")}
    assert {n.user_id for n in notes} == managers and len(notes) == len(managers)
    assert notes[0].text.startswith(f"3 registro(s) de «{record_type.name}»")
    assert notes[0].link == f"/registros/?type={record_type.id}&retention=expired"
