"""Read-only queries of audits: lists, traceability from a clause, the inbox items."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from qms.audits.models import Audit, ChecklistItem, Finding, audit_clauses, audit_team
from qms.extensions import db
from qms.timeutil import format_date, today_local


def inbox(user) -> list[dict]:
    """Audits the user leads or audits that are not reported yet."""
    today = today_local()
    rows = db.session.scalars(
        sa.select(Audit).where(
            Audit.state.in_(("planned", "in_progress")),
            sa.or_(Audit.lead_auditor_id == user.id,
                   Audit.id.in_(sa.select(audit_team.c.audit_id).where(audit_team.c.user_id == user.id))))
        .order_by(Audit.planned_start)).all()
    items = [{"label": f"{a.code} · {a.title}", "url": url_for("audits.detail", audit_code=a.code),
              "note": f"{a.state_label} · {format_date(a.planned_start)}",
              "overdue": a.state == "planned" and a.planned_end < today} for a in rows]
    return [{"title": "Auditorías a mi cargo", "items": items}] if items else []


def clause_trace(number: str) -> dict:
    """From an ISO clause: the procedures used as criteria for it, audits, checklist items, findings, actions."""
    from qms.documents import queries as documents

    in_scope = sa.select(audit_clauses.c.audit_id).where(audit_clauses.c.clause_number == number)
    by_item = sa.select(ChecklistItem.audit_id).where(ChecklistItem.clause_number == number)
    by_finding = sa.select(Finding.audit_id).where(Finding.clause_number == number)
    audits = db.session.scalars(sa.select(Audit).where(
        sa.or_(Audit.id.in_(in_scope), Audit.id.in_(by_item), Audit.id.in_(by_finding)))
        .order_by(Audit.planned_start.desc())).all()
    items = db.session.scalars(sa.select(ChecklistItem).where(ChecklistItem.clause_number == number)
                               .order_by(ChecklistItem.audit_id, ChecklistItem.position)).all()
    findings = db.session.scalars(sa.select(Finding).where(Finding.clause_number == number)
                                  .order_by(Finding.audit_id, Finding.number)).all()
    document_ids = {i.criterion_document_id for i in items if i.criterion_document_id}
    for audit in audits:
        if audit.id in set(db.session.scalars(in_scope)):
            document_ids.update(c.document_id for c in audit.criteria)
    return {"audits": audits, "items": items, "findings": findings,
            "documents": documents.documents_by_ids(document_ids)}


def findings_of(audit_ids) -> list[tuple[int, str]]:
    """``(finding id, "AUD-2026-01 H1 · description")`` of the given audits (for pickers of other modules)."""
    rows = db.session.scalars(sa.select(Finding).where(Finding.audit_id.in_(list(audit_ids)))
                              .order_by(Finding.audit_id, Finding.number)).all()
    return [(f.id, f"{f.label} · {f.description[:80]}") for f in rows]


def findings_by_clause(year: int | None = None) -> list[tuple[str, int]]:
    """How many findings each ISO 9001 clause received (audits of ``year`` when given), most first."""
    count = sa.func.count(Finding.id).label("n")
    stmt = sa.select(Finding.clause_number, count).join(Audit, Audit.id == Finding.audit_id).where(
        Finding.clause_number.is_not(None))
    if year:
        stmt = stmt.where(Audit.year == year)
    return [tuple(r) for r in db.session.execute(stmt.group_by(Finding.clause_number)
                                                 .order_by(count.desc(), Finding.clause_number))]


def review_summary(start, end) -> dict:
    """Audit results for a management review: audits planned and done in the period, findings by
    kind, clause and process, and the improvement opportunities found (plain values, one statement each)."""
    from qms.audits.models import AUDIT_STATES, FINDING_KINDS
    from qms.org.models import Process

    audits = db.session.scalars(sa.select(Audit).where(Audit.planned_start <= end, Audit.planned_end >= start)
                                .order_by(Audit.planned_start)).all()
    findings = db.session.execute(
        sa.select(Finding.kind, Finding.clause_number, Process.code, Finding.description, Audit.code, Finding.number)
        .join(Audit, Audit.id == Finding.audit_id).outerjoin(Process, Process.id == Finding.process_id)
        .where(Audit.planned_start <= end, Audit.planned_end >= start)).all()

    def count(index: int, labels=None) -> dict:
        counts: dict = {}
        for row in findings:
            key = row[index] or "—"
            key = labels.get(key, key) if labels else key
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))

    done = [a for a in audits if a.state in ("reported", "closed")]
    return {
        "planned": len(audits), "done": len(done),
        "audits": [{"code": a.code, "title": a.title, "state": AUDIT_STATES.label(a.state)} for a in audits],
        "by_kind": count(0, FINDING_KINDS), "by_clause": count(1), "by_process": count(2),
        "opportunities": [f"{code} H{number}: {description}" for kind, _c, _p, description, code, number in findings
                          if kind == "opportunity"],
    }



def year_audits(year: int) -> dict:
    """The audit programme of ``year`` and its audits as plain values (the PMG's evidence):
    ``{"programme": {"state", "approved_at"} | None, "audits": [{id, code, title, type, state, record_id}]}``."""
    from qms.audits.models import AuditProgramme

    programme = db.session.scalar(sa.select(AuditProgramme).where(AuditProgramme.year == year))
    audits = db.session.scalars(sa.select(Audit).where(Audit.year == year).order_by(Audit.code)).all()
    return {"programme": {"state": programme.state, "approved_at": programme.approved_at} if programme else None,
            "audits": [{"id": a.id, "code": a.code, "title": a.title, "type": a.audit_type, "state": a.state,
                        "state_label": a.state_label, "record_id": a.report_record_id} for a in audits]}


def audit_states(ids) -> dict[int, tuple[str, str]]:
    """``{audit id: (state, "AUD-2026-02 · title")}`` of ``ids`` (one statement)."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return {}
    return {i: (state, f"{code} · {title}") for i, state, code, title in db.session.execute(
        sa.select(Audit.id, Audit.state, Audit.code, Audit.title).where(Audit.id.in_(ids)))}


def audit_choices() -> list[tuple[int, str]]:
    return [(i, f"{c} · {t}") for i, c, t in db.session.execute(
        sa.select(Audit.id, Audit.code, Audit.title).order_by(Audit.code.desc()))]
