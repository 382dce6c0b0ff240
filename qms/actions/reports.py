"""The Word report of an action (``accion_correctiva.docx``): a plain-dict context."""
from __future__ import annotations

from qms.actions.models import ANALYSIS_METHODS, ISHIKAWA_CATEGORIES
from qms.core.reports import signature_row
from qms.org.queries import institution_header
from qms.timeutil import format_date, format_datetime, now_utc


def _early(verification) -> str:
    """Say when, and why, effectiveness was verified before the planned date."""
    if verification is None or not verification.was_early:
        return "No" if verification is not None and verification.performed_on else ""
    return (f"Sí: verificada el {format_date(verification.performed_on)}, antes de la fecha planificada "
            f"({format_date(verification.planned_date)}). Motivo: {verification.early_reason}")


def report_context(action) -> dict:
    verification = action.current_verification
    whys = [f"¿{w.why.strip('¿?')}? {w.answer}" for w in action.current_whys]
    causes = [{"category": ISHIKAWA_CATEGORIES.get(c.category, c.category), "cause": c.cause}
              for c in action.current_causes]
    # Every method filled in is printed, the main one first.
    filled = {"five_whys": whys, "ishikawa": causes}
    order = sorted(filled, key=lambda key: key != action.analysis_method)
    methods = "; ".join(ANALYSIS_METHODS[key] for key in order if filled[key]) or action.method_label
    history = [v for v in action.verifications if v.result]
    signatures = [signature_row("Responsable de la acción", action.owner, action.opened_on)]
    if verification is not None and verification.result:
        signatures.append(signature_row("Verificó la eficacia", verification.performed_by, verification.performed_on))
    return {
        "institution": institution_header(),
        "report": {"title": f"Acción {action.kind_label.lower()}", "code": action.code,
                   "date": format_date(now_utc()), "state": action.state_label,
                   # Until it is closed, a report of the action is a draft (the stored one is final).
                   "draft": "" if action.is_closed else f"acción {action.state_label.lower()}, sin cerrar"},
        "action": {
            "kind": action.kind_label,
            "source": action.source_line,
            "process": action.process.name if action.process else "",
            "region": action.region.name if action.region else "",
            "owner": action.owner.full_name,
            "opened_at": format_date(action.opened_on),
            "problem": action.problem,
            "correction": action.correction,
            "analysis_method": methods,
            "whys": whys,
            "causes": causes,
            "root_cause": action.root_cause,
            "similar": action.similar_nonconformities,
            "tasks": [
                {"number": str(t.position), "description": t.description, "responsible": t.responsible.full_name,
                 "due_date": format_date(t.due_date), "status": t.status_label,
                 "evidence": "; ".join([t.evidence_note] + [f.filename for f in t.evidence_files]).strip("; ")}
                for t in action.current_tasks
            ],
            "verification": {
                "planned_date": format_date(verification.planned_date) if verification else "",
                "verifier": verification.verifier.full_name if verification else "",
                "date": format_date(verification.performed_on) if verification else "",
                "result": verification.result_label if verification and verification.result else "",
                "evidence": verification.evidence if verification else "",
                "early": _early(verification),
            },
            "previous_verifications": [
                {"cycle": v.cycle, "date": format_date(v.performed_on), "result": v.result_label,
                 "evidence": v.evidence} for v in history if v is not verification
            ],
        },
        "signatures": signatures,
        "generated_at": format_datetime(now_utc()),
    }
