"""Read-only queries of nonconforming outputs: the list and the inbox items."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from qms.core import permissions as P
from qms.core.followup import Row, local_date, register_rows
from qms.extensions import db
from qms.nonconformities.models import PNC_STATES, Nonconformity
from qms.org.models import Process
from qms.timeutil import format_date, today_local


def visible_query(user) -> sa.Select:
    stmt = sa.select(Nonconformity).join(Process, Nonconformity.process_id == Process.id)
    if not (user.can(P.NC_MANAGE) or user.can(P.CAPA_MANAGE)):
        stmt = stmt.where(sa.or_(Nonconformity.detected_by_id == user.id, Process.owner_id == user.id,
                                 Nonconformity.authorised_by_id == user.id))
    return stmt.order_by(Nonconformity.detected_on.desc(), Nonconformity.id.desc())


def inbox(user) -> list[dict]:
    """Untreated PNC of the user's processes (and all of them for the committee), overdue first."""
    today = today_local()
    stmt = sa.select(Nonconformity).join(Process, Nonconformity.process_id == Process.id).where(
        Nonconformity.state.not_in(("closed", "withdrawn")))
    if not user.can(P.NC_MANAGE):
        stmt = stmt.where(Process.owner_id == user.id)
    rows = db.session.scalars(stmt.order_by(Nonconformity.treatment_due)).all()
    items = [{"label": f"{p.code} · {p.product}", "url": url_for("nonconformities.detail", pnc_code=p.code),
              "note": f"{p.state_label} · tratar antes de {format_date(p.treatment_due)}",
              "overdue": p.state == "reported" and p.treatment_due < today} for p in rows]
    sections = [{"title": "Productos / servicios no conformes abiertos", "items": items}] if items else []
    to_sign = db.session.scalars(sa.select(Nonconformity).where(
        Nonconformity.state == "treated", Nonconformity.authorised_by_id == user.id,
        Nonconformity.authorisation_signed_at.is_(None)).order_by(Nonconformity.treated_on)).all()
    if to_sign:
        sections.append({"title": "Tratamientos de PNC por firmar", "items": [
            {"label": f"{p.code} · {p.product}", "url": url_for("nonconformities.detail", pnc_code=p.code),
             "note": f"{p.treatment_label} registrado el {format_date(p.treated_on)}", "overdue": False}
            for p in to_sign]})
    return sections


def followup_rows(today: date) -> list[Row]:
    """Every nonconforming output as a row of the committee's follow-up list (no query per row)."""
    rows = []
    # Annulled PNC were reported by mistake: they count nowhere.
    for p in db.session.scalars(sa.select(Nonconformity).where(Nonconformity.state != "withdrawn")
                                .options(selectinload(Nonconformity.process))).all():
        closed = p.state == "closed"
        end = local_date(p.closed_at) if closed else today
        owner = p.process.owner if p.process and p.process.owner else None
        rows.append(Row("pnc", p.code, p.product, p.process.code, p.region_code or "", "pnc",
                        PNC_STATES.get(p.state, p.state), owner.full_name if owner else "", p.detected_on,
                        p.treatment_due if p.state == "reported" else None, closed,
                        url_for("nonconformities.detail", pnc_code=p.code), age=(end - p.detected_on).days,
                        overdue=p.state == "reported" and p.treatment_due < today,
                        owner_id=owner.id if owner else None))
    return rows


register_rows("pnc", followup_rows)


def per_month_and_process(year: int) -> dict:
    """PNC detected in ``year`` by month and process (annulled ones left out): labels and counts."""
    rows = db.session.execute(
        sa.select(Nonconformity.detected_on, Process.code).join(Process, Nonconformity.process_id == Process.id)
        .where(Nonconformity.year == year, Nonconformity.state != "withdrawn")).all()
    processes = sorted({code for _d, code in rows})
    counts = {code: [0] * 12 for code in processes}
    for detected_on, code in rows:
        counts[code][detected_on.month - 1] += 1
    return {"processes": processes, "counts": counts, "total": len(rows)}


def review_summary(start: date, end: date, users_process: str = "SIAC") -> dict:
    """PNC for a management review: detected in the period by process and by state, and those of
    the users' service process (``users_process``, SIAC) as lines (plain values)."""
    rows = db.session.execute(
        sa.select(Nonconformity.code, Nonconformity.product, Nonconformity.state, Process.code)
        .join(Process, Nonconformity.process_id == Process.id)
        .where(Nonconformity.state != "withdrawn", Nonconformity.detected_on >= start,
               Nonconformity.detected_on <= end).order_by(Nonconformity.code)).all()
    by_process: dict = {}
    by_state: dict = {}
    for _code, _product, state, process in rows:
        by_process[process] = by_process.get(process, 0) + 1
        label = PNC_STATES.label(state)
        by_state[label] = by_state.get(label, 0) + 1
    return {"total": len(rows), "by_process": by_process, "by_state": by_state,
            "users": [f"{code} {product} ({PNC_STATES.label(state)})" for code, product, state, process in rows
                      if process == users_process]}
