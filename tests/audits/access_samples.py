"""Sample URL values for the routes of audits, actions and nonconformities (access matrix)."""
from datetime import date

from qms.extensions import db


def make_samples(users, document):
    from qms.actions import service as actions
    from qms.audits import service as audits
    from qms.nonconformities import service as pncs
    from qms.org.models import IsoClause
    from tests.audits.factories import load_record_types

    load_record_types()
    process = document.process
    clause = db.session.get(IsoClause, "7.5.3")
    programme = audits.create_programme(users["quality"], year=2026)
    audit = audits.save_audit(users["quality"], None, audit_type="internal", title="Auditoría de muestra",
                              processes=[process], clauses=[clause], lead_auditor=users["auditor"],
                              planned_start=date(2026, 1, 5), planned_end=date(2026, 1, 6))
    item = audits.add_checklist_item(users["auditor"], audit, question="¿Pregunta?", clause=clause)
    audits.apply_transition(users["auditor"], audit, "start", actual_start=date(2026, 1, 5))
    finding, _none = audits.record_finding(users["auditor"], audit, kind="observation", description="Observación")
    attachment = audits.attach_to_finding(users["auditor"], finding, b"evidencia", "evidencia.txt")
    action = actions.create_action(users["quality"], kind="corrective", source_kind="other", title="Acción de muestra",
                                   problem="Problema", owner=users["staff"], opened_on=date(2026, 1, 5))
    task = actions.add_task(users["quality"], action, description="Tarea", responsible=users["staff"],
                            due_date=date(2026, 2, 1))
    evidence = actions.attach_task_evidence(users["quality"], task, b"hecho", "hecho.txt")
    pnc = pncs.report(users["staff"], output_kind="service", product="Certificado", process=process,
                      region_code=None, description="Error", detected_on=date(2026, 1, 5))
    db.session.flush()
    return {
        "audit_code": audit.code, "finding_number": finding.number, "item_id": item.id,
        "attachment_id": attachment.id, "transition": "start", "year": programme.year, "clause": "7.5.3",
        "action_code": action.code, "task_id": task.id, "evidence_id": evidence.id, "pnc_code": pnc.code,
    }
