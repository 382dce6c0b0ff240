"""Read-only queries: the committee's follow-up list (with aging), its .xlsx, and the inbox items."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from qms.actions.models import ACTION_SOURCES, ACTION_STATES, Action, ActionTask, Verification
from qms.exports import xlsx_bytes
from qms.extensions import db
from qms.core import followup
from qms.core.followup import ITEM_KINDS, Row, local_date  # noqa: F401  (ITEM_KINDS: the follow-up filter)
from qms.timeutil import format_date, today_local

#: Follow-up "state" filter values.
FOLLOWUP_STATES = {"open": "Abiertos", "overdue": "Vencidos", "closed": "Cerrados", "all": "Todos"}


@dataclass
class FollowupFilters:
    state: str = "open"
    kind: str = ""
    process_id: int | None = None
    region: str = ""
    source: str = ""
    year: int | None = None


def _action_rows(today: date) -> list[Row]:
    rows = []
    # Everything a row shows is loaded up front: no query per row.
    actions = db.session.scalars(sa.select(Action).options(
        selectinload(Action.tasks).selectinload(ActionTask.responsible),
        selectinload(Action.verifications).selectinload(Verification.verifier),
        selectinload(Action.process), selectinload(Action.owner))
        .where(Action.state != "withdrawn")).all()  # annulled: opened by mistake, counted nowhere
    for a in actions:
        process = a.process.code if a.process else ""
        end = local_date(a.closed_at) if a.is_closed else today
        next_due = min([t.due_date for t in a.open_tasks] or [None], key=lambda d: d or date.max)
        rows.append(Row("action", a.code, a.title, process, a.region_code or "", a.source_kind, a.state_label,
                        a.owner.full_name, a.opened_on, next_due, a.is_closed,
                        url_for("actions.detail", action_code=a.code), age=(end - a.opened_on).days,
                        overdue=bool(next_due and next_due < today and not a.is_closed), owner_id=a.owner_id))
        for t in a.tasks:
            closed = not t.is_open or t.cycle != a.cycle
            end = t.completed_on or (today if not closed else t.due_date)
            opened = local_date(t.created_at) or a.opened_on
            rows.append(Row("task", f"{a.code} T{t.position}", t.description, process, a.region_code or "",
                            a.source_kind, t.status_label, t.responsible.full_name, opened, t.due_date, closed,
                            url_for("actions.detail", action_code=a.code), age=max(0, (end - opened).days),
                            overdue=not closed and t.due_date < today, owner_id=t.responsible_id))
        for v in a.verifications:
            closed = bool(v.result) or v.cycle != a.cycle
            opened = local_date(v.created_at) or a.opened_on
            end = v.performed_on or today
            rows.append(Row("verification", f"{a.code} V{v.cycle}", f"Verificación de eficacia: {a.title}", process,
                            a.region_code or "", a.source_kind, v.result_label, v.verifier.full_name, opened,
                            v.planned_date, closed, url_for("actions.detail", action_code=a.code),
                            age=max(0, (end - opened).days), overdue=not closed and v.planned_date < today,
                            owner_id=v.verifier_id))
    return rows


def followup_rows(filters: FollowupFilters, today: date | None = None) -> list[Row]:
    """Return the follow-up rows that match ``filters``, oldest first."""
    from qms.org.models import Process

    today = today or today_local()
    rows = _action_rows(today) + followup.registered_rows(today)
    process_code = None
    if filters.process_id:
        process = db.session.get(Process, filters.process_id)
        process_code = process.code if process else "-"
    selected = []
    for row in rows:
        if filters.kind and row.kind != filters.kind:
            continue
        if filters.state == "open" and row.closed:
            continue
        if filters.state == "closed" and not row.closed:
            continue
        if filters.state == "overdue" and not row.overdue:
            continue
        if process_code and row.process != process_code:
            continue
        if filters.region and row.region != filters.region:
            continue
        if filters.source and row.source != filters.source:
            continue
        if filters.year and row.opened.year != filters.year:
            continue
        selected.append(row)
    return sorted(selected, key=lambda r: (-r.age, r.code))


HEADERS = ["Tipo", "Código", "Descripción", "Proceso", "Región", "Origen", "Estado", "Responsable", "Apertura",
           "Plazo", "Días abierto", "Vencido"]


def to_xlsx(rows: list[Row]) -> bytes:
    """Return the rows as an Excel workbook (dates as real dates, dd-mm-yyyy)."""
    return xlsx_bytes("Seguimiento", HEADERS, (
        [r.kind_label, r.code, r.title, r.process, r.region, ACTION_SOURCES.get(r.source, r.source),
         r.state, r.owner, r.opened, r.due, r.age, "Sí" if r.overdue else "No"] for r in rows),
        widths=(12, 18, 50, 10, 8, 24, 18, 26, 12, 12, 12, 9))


def inbox(user) -> list[dict]:
    """The CAPA work waiting for ``user``: their tasks, verifications and actions (overdue first)."""
    today = today_local()
    sections = []
    tasks = db.session.scalars(
        sa.select(ActionTask).join(Action).where(
            ActionTask.responsible_id == user.id, ActionTask.status.in_(("pending", "in_progress")),
            ActionTask.cycle == Action.cycle, Action.state.not_in(("closed", "withdrawn"))).order_by(ActionTask.due_date)).all()
    sections.append({"title": "Tareas de acciones a mi cargo", "items": [
        {"label": f"{t.action.code} · {t.description}", "url": url_for("actions.detail", action_code=t.action.code),
         "note": f"plazo {format_date(t.due_date)}", "overdue": t.due_date < today} for t in tasks]})
    verifications = db.session.scalars(
        sa.select(Verification).join(Action).where(
            Verification.verifier_id == user.id, Verification.result == "", Verification.cycle == Action.cycle,
            Action.state.not_in(("closed", "withdrawn"))).order_by(Verification.planned_date)).all()
    sections.append({"title": "Verificaciones de eficacia asignadas", "items": [
        {"label": f"{v.action.code} · {v.action.title}", "url": url_for("actions.detail", action_code=v.action.code),
         "note": f"planificada {format_date(v.planned_date)} · {v.action.state_label}",
         "overdue": v.planned_date < today} for v in verifications]})
    actions = db.session.scalars(
        sa.select(Action).where(Action.owner_id == user.id, Action.state.in_(("open", "analysis")))
        .order_by(Action.opened_on)).all()
    sections.append({"title": "Acciones por analizar", "items": [
        {"label": f"{a.code} · {a.title}", "url": url_for("actions.detail", action_code=a.code),
         "note": f"{a.state_label} · abierta hace {(today - a.opened_on).days} días", "overdue": False}
        for a in actions]})
    return [s for s in sections if s["items"]]


def states() -> dict:
    return dict(ACTION_STATES)


#: Age bands of open actions on the committee's dashboard: label -> (from, to) days.
AGE_BANDS = {"0–30 días": (0, 30), "31–90 días": (31, 90), "más de 90 días": (91, None)}


def state_and_age_counts(today: date | None = None) -> dict:
    """Actions by state, and the open ones by age (days since opened); annulled ones count nowhere."""
    today = today or today_local()
    rows = db.session.execute(sa.select(Action.state, Action.opened_on).where(Action.state != "withdrawn")).all()
    states = {label: 0 for key, label in ACTION_STATES.items() if key != "withdrawn"}
    ages = {label: 0 for label in AGE_BANDS}
    for state, opened_on in rows:
        states[ACTION_STATES.label(state)] += 1
        if state != "closed":
            days = (today - opened_on).days
            for label, (low, high) in AGE_BANDS.items():
                if days >= low and (high is None or days <= high):
                    ages[label] += 1
    return {"states": states, "ages": ages}


def actions_by_codes(codes) -> list[Action]:
    """The actions of ``codes`` (to show the state of actions other modules raised)."""
    if not codes:
        return []
    return list(db.session.scalars(sa.select(Action).where(Action.code.in_(list(codes))).order_by(Action.code)))


def review_summary(start: date, end: date) -> dict:
    """CAPA for a management review: actions opened in the period by state, kind and source, the
    open ones by age, the effectiveness rate of the verifications decided in the period, and the
    preventive, improvement and SIAC actions (plain values)."""
    actions = db.session.scalars(sa.select(Action).where(Action.state != "withdrawn", Action.opened_on >= start,
                                                         Action.opened_on <= end).order_by(Action.code)).all()
    decided = db.session.execute(sa.select(Verification.result).where(
        Verification.result != "", Verification.performed_on >= start, Verification.performed_on <= end)).all()
    effective = sum(1 for (result,) in decided if result == "effective")

    def count(values) -> dict:
        counts: dict = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        return counts

    def line(a: Action) -> str:
        return f"{a.code} {a.title} ({a.state_label})"

    ages = {label: 0 for label in AGE_BANDS}
    for a in actions:
        if not a.is_closed:
            days = (end - a.opened_on).days
            for label, (low, high) in AGE_BANDS.items():
                if days >= low and (high is None or days <= high):
                    ages[label] += 1
    return {
        "total": len(actions), "by_state": count(a.state_label for a in actions),
        "by_kind": count(a.kind_label for a in actions), "by_source": count(a.source_label for a in actions),
        "ages": ages, "verified": len(decided), "effective": effective,
        "effectiveness_pct": round(100 * effective / len(decided), 1) if decided else None,
        "preventive": [line(a) for a in actions if a.kind == "preventive"],
        "improvement": [line(a) for a in actions if a.kind == "improvement"],
        "siac": [line(a) for a in actions if a.source_kind == "siac"],
    }


def year_actions(year: int) -> list[dict]:
    """Actions opened in ``year`` (annulled ones left out) as plain values: id, code, title, state, record id."""
    rows = db.session.scalars(sa.select(Action).where(Action.year == year, Action.state != "withdrawn")
                              .order_by(Action.code)).all()
    return [{"id": a.id, "code": a.code, "title": a.title, "state": a.state, "state_label": a.state_label,
             "record_id": a.report_record_id} for a in rows]


def action_states(ids) -> dict[int, tuple[str, str]]:
    """``{action id: (state, "AC-2026-012 · title")}`` of ``ids`` (one statement)."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return {}
    return {i: (state, f"{code} · {title}") for i, state, code, title in db.session.execute(
        sa.select(Action.id, Action.state, Action.code, Action.title).where(Action.id.in_(ids)))}


def action_choices() -> list[tuple[int, str]]:
    return [(i, f"{c} · {t}") for i, c, t in db.session.execute(
        sa.select(Action.id, Action.code, Action.title).where(Action.state != "withdrawn")
        .order_by(Action.code.desc()))]
