"""What actions (CAPA) tell people, and the plan and verification dates they are reminded of."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from qms import notifications
from qms.actions.models import OPEN_TASK_STATUSES, Action, ActionTask, Verification
from qms.core import permissions as P
from qms.extensions import db
from qms.notifications import DUE_SOON, OVERDUE, CalendarEntry, Reminder
from qms.timeutil import format_date

GROUP = "Acciones correctivas y preventivas"
notifications.register_kind("action:assigned", "Acción asignada a usted", GROUP)
notifications.register_kind("action:task_assigned", "Tarea del plan asignada a usted", GROUP)
notifications.register_kind("action:task_due", "Tarea del plan próxima a vencer o vencida", GROUP)
notifications.register_kind("action:verification_assigned", "Verificación de eficacia asignada a usted", GROUP)
notifications.register_kind("action:ready_to_verify", "Acción lista para verificar su eficacia", GROUP)
notifications.register_kind("action:verified", "Resultado de la verificación de su acción", GROUP)
notifications.register_kind("action:verification_due", "Verificación de eficacia próxima o vencida", GROUP)

#: Days before a task's or a verification's date that its person is told.
LEAD_DAYS = 7
LIVE_STATES = ("open", "analysis", "implementing", "verifying")


def assigned(actor, action: Action) -> None:
    notifications.notify("action:assigned", "action", action.id, [action.owner],
                         f"Usted es responsable de la acción {action.code} «{action.title}».", actor=actor)


def task_assigned(actor, action: Action, task: ActionTask) -> None:
    notifications.notify("action:task_assigned", "action", action.id, [task.responsible],
                         f"Se le asignó una tarea de la acción {action.code}, con plazo el "
                         f"{format_date(task.due_date)}: {task.description}", actor=actor)


def verification_assigned(actor, action: Action, verification: Verification) -> None:
    notifications.notify("action:verification_assigned", "action", action.id, [verification.verifier],
                         f"Usted verificará la eficacia de la acción {action.code} el "
                         f"{format_date(verification.planned_date)}.", actor=actor)


def ready_to_verify(actor, action: Action) -> None:
    """The plan is done: the verifier may verify (on or after the planned date)."""
    verification = action.current_verification
    if verification is None:
        return
    notifications.notify("action:ready_to_verify", "action", action.id, [verification.verifier],
                         f"La acción {action.code} completó su plan y espera su verificación de eficacia, "
                         f"planificada para el {format_date(verification.planned_date)}.", actor=actor)


def verified(actor, action: Action, result: str) -> None:
    """The owner learns the verdict: closed, or back to the analysis for a new cycle."""
    text = (f"La acción {action.code} fue verificada eficaz y quedó cerrada." if result == "effective" else
            f"La acción {action.code} fue verificada no eficaz: vuelve al análisis de causa raíz (ciclo {action.cycle}).")
    notifications.notify("action:verified", "action", action.id, [action.owner], text, actor=actor)


def _stage(due: date, today: date) -> str | None:
    if due < today:
        return OVERDUE
    return DUE_SOON if due <= today + timedelta(days=LEAD_DAYS) else None


def reminders(today: date):
    """Open tasks of the current plan and pending verifications, due within 7 days or overdue."""
    horizon = today + timedelta(days=LEAD_DAYS)
    tasks = db.session.scalars(
        sa.select(ActionTask).join(Action, ActionTask.action_id == Action.id)
        .where(ActionTask.status.in_(OPEN_TASK_STATUSES), ActionTask.due_date <= horizon,
               ActionTask.cycle == Action.cycle, Action.state.in_(LIVE_STATES))
        .options(joinedload(ActionTask.action), joinedload(ActionTask.responsible))).unique().all()
    for task in tasks:
        stage, action = _stage(task.due_date, today), task.action
        word = "venció" if stage == OVERDUE else "vence"
        yield Reminder("action:task_due", "action", action.id,
                       f"La tarea {task.position} de la acción {action.code} {word} el "
                       f"{format_date(task.due_date)}: {task.description}", task.due_date, stage,
                       [task.responsible], action.process_id, P.CAPA_MANAGE)
    checks = db.session.scalars(
        sa.select(Verification).join(Action, Verification.action_id == Action.id)
        .where(Verification.result.is_(None) | (Verification.result == ""), Verification.planned_date <= horizon,
               Verification.cycle == Action.cycle, Action.state.in_(LIVE_STATES))
        .options(joinedload(Verification.action), joinedload(Verification.verifier))).unique().all()
    for check in checks:
        stage, action = _stage(check.planned_date, today), check.action
        word = "venció" if stage == OVERDUE else "es"
        yield Reminder("action:verification_due", "action", action.id,
                       f"La verificación de eficacia de la acción {action.code} {word} el "
                       f"{format_date(check.planned_date)}.", check.planned_date, stage,
                       [check.verifier], action.process_id, P.CAPA_MANAGE)


def calendar(user):
    """The person's open tasks and pending verifications."""
    for task in db.session.scalars(
            sa.select(ActionTask).join(Action, ActionTask.action_id == Action.id)
            .where(ActionTask.responsible_id == user.id, ActionTask.status.in_(OPEN_TASK_STATUSES),
                   ActionTask.cycle == Action.cycle, Action.state.in_(LIVE_STATES))
            .options(joinedload(ActionTask.action))).unique():
        yield CalendarEntry(f"action-task-{task.id}", f"Plazo tarea {task.position} · {task.action.code}",
                            task.due_date, "action", task.action_id, task.description)
    for check in db.session.scalars(
            sa.select(Verification).join(Action, Verification.action_id == Action.id)
            .where(Verification.verifier_id == user.id, Verification.result.is_(None) | (Verification.result == ""),
                   Verification.cycle == Action.cycle, Action.state.in_(LIVE_STATES))
            .options(joinedload(Verification.action))).unique():
        yield CalendarEntry(f"action-verification-{check.id}", f"Verificar eficacia · {check.action.code}",
                            check.planned_date, "action", check.action_id)


notifications.register_reminders(reminders)
notifications.register_calendar(calendar)
