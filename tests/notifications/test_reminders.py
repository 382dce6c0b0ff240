"""Reminders of due and overdue items, once each, escalated to the process owner and
then the committee after N days (a frozen clock); and the actions' own events."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from freezegun import freeze_time

from qms.actions import service as actions
from qms.extensions import db
from qms.notifications import reminders
from qms.notifications.models import Notification
from tests.audits.factories import load_record_types

OPENED = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
DUE = date(2026, 3, 20)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def _texts(user, kind=None):
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return [n.text for n in db.session.scalars(stmt.order_by(Notification.id))]


def _action_with_task(users, process):
    process.owner_id = users["approver"].id  # the process owner, told first when it is late
    with freeze_time(OPENED):
        action = actions.create_action(users["quality"], kind="corrective", source_kind="siac", source_ref="SIAC 77",
                                       title="Reclamos sin respuesta", problem="Se respondió fuera de plazo.",
                                       process=process, owner=users["staff"])
        actions.add_task(users["staff"], action, description="Ajustar el flujo de respuesta",
                         responsible=users["author"], due_date=DUE)
        db.session.commit()
    return action


def test_assignment_events_reach_owner_responsible_and_verifier(app, users, process):
    action = _action_with_task(users, process)
    assert _texts(users["staff"], "action:assigned") == [
        f"Usted es responsable de la acción {action.code} «Reclamos sin respuesta»."]
    assert _texts(users["author"], "action:task_assigned") == [
        f"Se le asignó una tarea de la acción {action.code}, con plazo el 20-03-2026: Ajustar el flujo de respuesta"]
    with freeze_time(OPENED):
        actions.plan_verification(users["staff"], action, planned_date=date(2026, 4, 30), verifier=users["auditor"])
        db.session.commit()
    assert _texts(users["auditor"], "action:verification_assigned") == [
        f"Usted verificará la eficacia de la acción {action.code} el 30-04-2026."]


def test_a_task_is_reminded_before_and_after_its_date_then_escalated(app, users, process):
    app.config.update(NOTIFY_ESCALATION_DAYS=5, NOTIFY_COMMITTEE_DAYS=10)
    action = _action_with_task(users, process)
    task_kind = "action:task_due"

    with freeze_time(_noon(date(2026, 3, 12))):  # 8 days before: nothing yet
        reminders.run()
    assert _texts(users["author"], task_kind) == []

    with freeze_time(_noon(date(2026, 3, 13))):  # 7 days before
        reminders.run()
        reminders.run()  # a second runner the same day repeats nothing
    assert _texts(users["author"], task_kind) == [
        f"La tarea 1 de la acción {action.code} vence el 20-03-2026: Ajustar el flujo de respuesta"]

    with freeze_time(_noon(date(2026, 3, 21))):  # the day after: overdue, once
        reminders.run()
        reminders.run()
    assert len(_texts(users["author"], task_kind)) == 2
    assert "venció" in _texts(users["author"], task_kind)[1]
    assert _texts(users["approver"], "escalation") == []

    with freeze_time(_noon(date(2026, 3, 25))):  # 5 days late: the process owner
        reminders.run()
    owner_notes = _texts(users["approver"], "escalation")
    assert len(owner_notes) == 1 and "vencido hace 5 días" in owner_notes[0]
    assert _texts(users["quality"], "escalation") == []

    with freeze_time(_noon(date(2026, 3, 30))):  # 10 days late: the committee as well
        reminders.run()
        reminders.run()
    assert len(_texts(users["quality"], "escalation")) == 1
    assert len(_texts(users["approver"], "escalation")) == 1  # the owner is not told twice


def test_a_done_task_is_not_reminded(app, users, process):
    action = _action_with_task(users, process)
    task = action.tasks[0]
    with freeze_time(_noon(date(2026, 3, 14))):
        actions.save_analysis(users["staff"], action, method="five_whys",
                              whys=[("¿Por qué se respondió tarde?", "El flujo no tenía plazos.")],
                              root_cause="El flujo no tenía plazos.", similar_nonconformities="No.")
        actions.plan_verification(users["staff"], action, planned_date=date(2026, 4, 30), verifier=users["auditor"])
        actions.apply_transition(users["staff"], action, "start_implementation")
        actions.update_task(users["author"], task, status="done", evidence_note="Flujo ajustado.")
        db.session.commit()
    assert task.status == "done"
    with freeze_time(_noon(date(2026, 3, 21))):  # it would be overdue now
        reminders.run()
    assert _texts(users["author"], "action:task_due") == []


def test_review_due_and_overdue_acknowledgement_of_a_document(app, users, make_document):
    from qms.documents import service

    document = make_document(state="effective")
    version = document.versions[0]
    version.document.owner_id = users["quality"].id
    service.set_distribution(users["quality"], document, roles=list(users["staff"].roles))
    db.session.commit()
    from qms.timeutil import add_working_days
    due = add_working_days(version.effective_date, 10)
    with freeze_time(_noon(due)):
        reminders.run()
    assert _texts(users["staff"], "document:ack_overdue") == []
    late = date.fromordinal(due.toordinal() + 1)
    with freeze_time(_noon(late)):
        reminders.run()
        reminders.run()
    assert len(_texts(users["staff"], "document:ack_overdue")) == 1
    assert _texts(users["approver"], "document:ack_overdue") == []  # not in the distribution

    review_soon = date.fromordinal(version.review_due.toordinal() - 30)
    with freeze_time(_noon(review_soon)):
        reminders.run()
    notes = _texts(users["quality"], "document:review_due")
    assert len(notes) == 1 and "vence el" in notes[0]



def test_a_capa_from_opening_to_closing_tells_each_person_their_step(app, users, process):
    load_record_types()
    action = _action_with_task(users, process)
    with freeze_time(_noon(date(2026, 3, 5))):
        actions.save_analysis(users["staff"], action, method="five_whys",
                              whys=[("¿Por qué se respondió tarde?", "El flujo no tenía plazos.")],
                              root_cause="El flujo no tenía plazos.", similar_nonconformities="No.")
        actions.plan_verification(users["staff"], action, planned_date=date(2026, 4, 30), verifier=users["auditor"])
        actions.apply_transition(users["staff"], action, "start_implementation")
        actions.update_task(users["author"], action.tasks[0], status="done", evidence_note="Flujo ajustado.")
        actions.apply_transition(users["staff"], action, "request_verification")
        db.session.commit()
    assert _texts(users["auditor"], "action:ready_to_verify") == [
        f"La acción {action.code} completó su plan y espera su verificación de eficacia, planificada para el "
        "30-04-2026."]
    with freeze_time(_noon(date(2026, 4, 30))):
        actions.apply_transition(users["auditor"], action, "verify_effective", evidence="Sin reclamos fuera de plazo.")
        db.session.commit()
    assert action.state == "closed"
    assert _texts(users["staff"], "action:verified") == [f"La acción {action.code} fue verificada eficaz y quedó cerrada."]
    assert _texts(users["auditor"], "action:verified") == []  # who verified knows
