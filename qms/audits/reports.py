"""The Word report of an audit (``informe_auditoria.docx``): a plain-dict context."""
from __future__ import annotations

from collections import Counter

from qms.audits.models import CHECKLIST_RESULTS
from qms.core.reports import date_range, signature_row
from qms.org.queries import institution_header
from qms.timeutil import format_date, format_datetime, now_utc


def checklist_summary(audit) -> str:
    counts = Counter(item.result for item in audit.checklist)
    parts = [f"{CHECKLIST_RESULTS[key]}: {counts[key]}" for key in CHECKLIST_RESULTS if key and counts.get(key)]
    return f"{len(audit.checklist)} preguntas verificadas ({'; '.join(parts)})." if audit.checklist else \
        "Sin lista de verificación."


def report_context(audit) -> dict:
    findings = []
    for f in audit.findings:
        description = f.description
        if f.requirement:
            description += f" Requisito: {f.requirement}"
        if f.evidence:
            description += f" Evidencia: {f.evidence}"
        if f.action is not None:
            description += f" Acción: {f.action.code}"
        process = f.process.name if f.process else ""
        if f.region is not None:
            process = f"{process} / {f.region.name}".strip(" /")
        findings.append({"number": str(f.number), "kind": f.kind_label, "clause": f.clause_number or "",
                         "process": process, "description": description})
    summary = (audit.summary or "").strip()
    summary = f"{summary}\n{checklist_summary(audit)}" if summary else checklist_summary(audit)
    return {
        "institution": institution_header(),
        "report": {"title": f"Informe de auditoría {audit.type_label.lower()}", "code": audit.code,
                   "date": format_date(audit.actual_end or now_utc()), "state": "Informada"},
        "audit": {
            "type": audit.type_label,
            "objective": audit.objective or audit.title,
            "processes": ", ".join(f"{p.code} · {p.name}" for p in audit.processes),
            "regions": ", ".join(r.name for r in audit.regions) or "Todas",
            "clauses": ", ".join(c.number for c in audit.clauses),
            "criteria": ", ".join(c.label for c in audit.criteria),
            "lead_auditor": audit.lead_auditor.full_name,
            "team": ", ".join(u.full_name for u in audit.team if u.id != audit.lead_auditor_id),
            "auditees": ", ".join(u.full_name for u in audit.auditees),
            "planned_dates": date_range(audit.planned_start, audit.planned_end),
            "actual_dates": date_range(audit.actual_start, audit.actual_end),
        },
        "summary": summary,
        "findings": findings,
        "checklist": [{"question": i.question, "clause": i.clause_number or "", "evidence": i.evidence,
                       "result": i.result_label} for i in audit.checklist],
        "conclusions": audit.conclusions,
        "signatures": [signature_row("Auditor(a) líder", audit.lead_auditor, audit.actual_end)]
        + [signature_row("Auditor(a)", u, audit.actual_end) for u in audit.team if u.id != audit.lead_auditor_id],
        "generated_at": format_datetime(now_utc()),
    }
