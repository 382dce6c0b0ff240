"""The plain-dict context of the acta (``revision_direccion.docx``)."""
from __future__ import annotations

from qms.core.reports import signature_row
from qms.org.queries import institution_header
from qms.reviews.pack import INPUTS
from qms.timeutil import format_date, format_datetime, now_utc


def acta_context(review) -> dict:
    pack = review.snapshot or {}
    analysis = review.analysis or {}
    sections = [{"title": s["title"], "facts": s["facts"], "tables": s["tables"], "chart": s.get("chart"),
                 "trends": s.get("trends", []), "analysis": analysis.get(s["key"], "")} for s in pack.get("sections", [])]
    return {
        "institution": institution_header(),
        "report": {"title": "Acta de revisión por la dirección", "code": review.code,
                   "date": format_date(review.held_on), "state": review.state_label, "draft": ""},
        "review": {"period": pack.get("period", ""), "planned_on": format_date(review.planned_on),
                   "held_on": format_date(review.held_on), "agenda": review.agenda,
                   "compiled_at": pack.get("compiled_at", "")},
        "participants": [{"name": p["name"], "position": p["position"], "attended": "Sí" if p["attended"] else "No"}
                         for p in review.participants],
        "inputs": sections,
        "decisions": [{"number": f"D{d.number}", "kind": d.kind_label, "description": d.description,
                       "owner": d.owner.full_name, "due_date": format_date(d.due_date),
                       "action": d.action.code if d.action else "—"} for d in review.decisions],
        "signatures": [signature_row("Aprobó", review.approved_by, review.approved_at)] if review.approved_by else [],
        "generated_at": format_datetime(now_utc()),
        "input_count": len(INPUTS),
    }
