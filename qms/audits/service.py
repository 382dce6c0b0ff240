"""Operations on audit programmes, audits, checklists and findings: the only place that changes them.

Each function takes the acting user, checks permission and state, changes the objects,
writes the audit trail and queues search indexing; it flushes and never commits.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from qms import search
from qms.audits import access, notices
from qms.core.checks import choice, date_order, not_future, require, text
from qms.core.codes import next_yearly_code
from qms.core.locking import lock
from qms.core.reports import names
from qms.records.service import store_report
from qms.audits.models import (
    AUDIT_TYPES,
    CHECKLIST_RESULTS,
    FINDING_KINDS,
    Audit,
    AuditCriterion,
    AuditProgramme,
    ChecklistItem,
    Finding,
    FindingAttachment,
    ProgrammeItem,
    QuestionBankEntry,
)
from qms.audits.workflow import WORKFLOW
from qms.core import permissions as P
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.timeutil import format_date, now_utc, to_local, today_local
from qms.trail import service as trail

SEARCH_KIND = "audit"


# -- programme ---------------------------------------------------------------------------------
def create_programme(actor, *, year: int, objective: str = "") -> AuditProgramme:
    require(actor, P.AUDIT_MANAGE)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError("Indique un año válido.", field="year")
    if db.session.scalar(sa.select(AuditProgramme.id).where(AuditProgramme.year == year)):
        raise ServiceError(f"Ya existe el programa de auditorías {year}.", field="year")
    programme = AuditProgramme(year=year, objective=text(objective, "El objetivo", "objective", required=False),
                               created_by_id=actor.id)
    db.session.add(programme)
    db.session.flush()
    trail.record(actor, "programme.created", "audit_programme", programme.id, f"Programa {year}",
                 {"objective": programme.objective})
    return programme


def _check_programme_draft(actor, programme: AuditProgramme) -> None:
    require(actor, P.AUDIT_MANAGE)
    lock(programme)
    if programme.state != "draft":
        raise ServiceError("El programa ya está aprobado y no se modifica.")


def add_programme_item(actor, programme: AuditProgramme, *, process, region_code: str | None, planned_month: int,
                       audit_type: str = "internal", notes: str = "") -> ProgrammeItem:
    _check_programme_draft(actor, programme)
    if process is None:
        raise ServiceError("Elija el proceso a auditar.", field="process_id")
    if not isinstance(planned_month, int) or not 1 <= planned_month <= 12:
        raise ServiceError("Elija el mes planificado.", field="planned_month")
    item = ProgrammeItem(programme_id=programme.id, process_id=process.id, region_code=region_code or None,
                         planned_month=planned_month, audit_type=choice(audit_type, AUDIT_TYPES, "el tipo", "audit_type"),
                         notes=text(notes, "La nota", "notes", required=False))
    db.session.add(item)
    db.session.flush()
    db.session.expire(programme, ["items"])
    trail.record(actor, "programme.item_added", "audit_programme", programme.id, f"Programa {programme.year}",
                 {"process": process.code, "region": region_code, "month": planned_month, "type": audit_type})
    return item


def remove_programme_item(actor, item: ProgrammeItem) -> None:
    programme = item.programme
    _check_programme_draft(actor, programme)
    trail.record(actor, "programme.item_removed", "audit_programme", programme.id, f"Programa {programme.year}",
                 {"process": item.process.code, "month": item.planned_month})
    db.session.delete(item)
    db.session.flush()
    db.session.expire(programme, ["items"])


def approve_programme(actor, programme: AuditProgramme) -> AuditProgramme:
    """The head of service approves the committee's draft (not the person who drafted it)."""
    require(actor, P.DOCUMENT_APPROVE)
    lock(programme)
    if programme.state != "draft":
        raise ServiceError("El programa ya está aprobado.")
    if not programme.items:
        raise ServiceError("El programa no tiene auditorías planificadas.")
    if programme.created_by_id == actor.id:
        raise ServiceError("Quien elaboró el programa no puede aprobarlo.")
    programme.state, programme.approved_by_id, programme.approved_at = "approved", actor.id, now_utc()
    db.session.flush()
    trail.record(actor, "programme.approved", "audit_programme", programme.id, f"Programa {programme.year}",
                 {"state": ["draft", "approved"], "items": len(programme.items)})
    return programme


# -- audits ------------------------------------------------------------------------------------
def check_impartiality(auditors, processes) -> None:
    """Refuse an auditor who owns an audited process or belongs to its unit."""
    for auditor in auditors:
        for process in processes:
            if process.owner_id is not None and process.owner_id == auditor.id:
                raise ServiceError(
                    f"{auditor.full_name} no puede auditar el proceso {process.code} · {process.name}: "
                    "es su responsable (imparcialidad del auditor).", field="team")
            if process.unit_id is not None and process.unit_id == auditor.unit_id:
                raise ServiceError(
                    f"{auditor.full_name} no puede auditar el proceso {process.code} · {process.name}: "
                    "pertenece a la unidad que lo ejecuta (imparcialidad del auditor).", field="team")


def version_in_force(document, on: date):
    """Return the version of ``document`` in force on date ``on``, or None."""
    candidates = []
    for version in document.versions:
        if version.state not in ("effective", "obsolete", "approved") or version.effective_date is None:
            continue
        if version.effective_date > on:
            continue
        ended = to_local(version.obsolete_at).date() if version.obsolete_at else None
        if ended is not None and ended <= on:
            continue
        candidates.append(version)
    return max(candidates, key=lambda v: v.number) if candidates else None


def _pin_criteria(audit: Audit, documents) -> list[dict]:
    on = audit.planned_start
    wanted = {}
    for document in documents:
        version = version_in_force(document, on)
        if version is None:
            raise ServiceError(f"El documento {document.code} no tenía una versión vigente el {format_date(on)}; "
                               "no puede ser criterio de esta auditoría.", field="criteria")
        wanted[document.id] = version
    kept = []
    for criterion in list(audit.criteria):
        if criterion.document_id not in wanted:
            audit.criteria.remove(criterion)
        else:
            criterion.version_id = wanted.pop(criterion.document_id).id
            kept.append(criterion)
    for document_id, version in wanted.items():
        audit.criteria.append(AuditCriterion(document_id=document_id, version_id=version.id))
    db.session.flush()
    return [{"document": c.document.code, "version": c.version.number} for c in audit.criteria]


def _audit_snapshot(audit: Audit) -> dict:
    return {
        "title": audit.title, "type": audit.audit_type, "objective": audit.objective,
        "lead_auditor": audit.lead_auditor_id, "team": sorted(u.id for u in audit.team),
        "auditees": sorted(u.id for u in audit.auditees), "processes": sorted(p.code for p in audit.processes),
        "regions": sorted(r.code for r in audit.regions), "clauses": sorted(c.number for c in audit.clauses),
        "planned_start": audit.planned_start, "planned_end": audit.planned_end,
        "criteria": sorted(f"{c.document.code} v{c.version.number:02d}" for c in audit.criteria),
    }


def save_audit(actor, audit: Audit | None, *, audit_type: str, title: str, objective: str = "", processes=(),
               regions=(), clauses=(), lead_auditor, team=(), auditees=(), planned_start: date | None,
               planned_end: date | None, criteria=(), programme_item: ProgrammeItem | None = None) -> Audit:
    """Plan a new audit (``audit`` None) or change a planned one."""
    require(actor, P.AUDIT_MANAGE)
    lock(audit)
    if audit is not None and audit.state != "planned":
        raise ServiceError(f"La auditoría está en estado «{audit.state_label}»: su planificación ya no cambia.")
    audit_type = choice(audit_type, AUDIT_TYPES, "el tipo de auditoría", "audit_type")
    title = text(title, "El título", "title", max_length=250)
    processes = list(processes)
    if not processes:
        raise ServiceError("Elija al menos un proceso a auditar.", field="processes")
    if lead_auditor is None:
        raise ServiceError("Elija el auditor(a) líder.", field="lead_auditor_id")
    team = [u for u in team if u.id != lead_auditor.id]
    for auditor in [lead_auditor] + team:
        if not auditor.is_enabled or not auditor.can(P.AUDIT_PERFORM):
            raise ServiceError(f"{auditor.full_name} no tiene el rol de auditor(a).", field="team")
    if planned_start is None or planned_end is None:
        raise ServiceError("Indique las fechas planificadas de inicio y término.", field="planned_start")
    date_order(planned_start, planned_end, "La fecha de término no puede ser anterior a la de inicio.", "planned_end")
    check_impartiality([lead_auditor] + team, processes)
    before = _audit_snapshot(audit) if audit is not None else None
    if audit is None:
        audit = Audit(code=next_yearly_code("AUD", planned_start.year, Audit.code, width=2), year=planned_start.year,
                      created_by_id=actor.id, state="planned", title=title, lead_auditor_id=lead_auditor.id,
                      planned_start=planned_start, planned_end=planned_end,
                      programme_item_id=getattr(programme_item, "id", None))
        db.session.add(audit)
    audit.audit_type, audit.title = audit_type, title
    audit.objective = text(objective, "El objetivo", "objective", required=False)
    audit.lead_auditor_id = lead_auditor.id
    audit.planned_start, audit.planned_end = planned_start, planned_end
    audit.processes, audit.regions, audit.clauses = processes, list(regions), list(clauses)
    audit.team, audit.auditees = team, list(auditees)
    db.session.flush()
    _pin_criteria(audit, criteria)
    db.session.refresh(audit)
    after = _audit_snapshot(audit)
    if before is None:
        trail.record(actor, "audit.created", "audit", audit.id, audit.code, after)
    else:
        trail.record(actor, "audit.edited", "audit", audit.id, audit.code, trail.changes(before, after))
    search.queue_index(SEARCH_KIND, audit.id)
    return audit


def _shorten(question: str, limit: int = 60) -> str:
    """The start of a question, enough to find it in the list."""
    question = " ".join(question.split())
    return question if len(question) <= limit else question[: limit - 1].rstrip() + "…"


def apply_transition(actor, audit: Audit, name: str, *, actual_start: date | None = None,
                     actual_end: date | None = None, summary: str | None = None,
                     conclusions: str | None = None) -> Audit:
    """Take one step of the audit workflow."""
    lock(audit)
    transition = WORKFLOW.check(name, audit.state)
    if not access.can_perform(actor, audit):
        raise PermissionDenied("Solo el equipo auditor o el comité de calidad pueden hacerlo.")
    details: dict = {}
    if name == "start":
        actual_start = actual_start or today_local()
        not_future(actual_start, "La fecha de inicio", "actual_start")
        audit.actual_start = actual_start
        details["actual_start"] = actual_start
    elif name == "report":
        actual_end = actual_end or today_local()
        date_order(audit.actual_start, actual_end,
                   f"La fecha de término ({format_date(actual_end)}) no puede ser anterior al inicio "
                   f"({format_date(audit.actual_start)}).", "actual_end")
        not_future(actual_end, "La fecha de término", "actual_end")
        conclusions = text(conclusions if conclusions is not None else audit.conclusions, "Las conclusiones",
                           "conclusions")
        unanswered = [i for i in audit.checklist if not i.result]
        if unanswered:
            listed = "; ".join(f"N° {i.position} «{_shorten(i.question)}»" for i in unanswered)
            raise ServiceError(f"No se puede emitir el informe: quedan {len(unanswered)} pregunta(s) de la lista "
                               f"de verificación sin responder ({listed}).")
        audit.actual_end, audit.conclusions = actual_end, conclusions
        if summary is not None:
            audit.summary = text(summary, "El resumen", "summary", required=False)
        details.update(actual_end=actual_end, conclusions=conclusions)
    elif name == "close":
        missing = audit.unanswered_nonconformities
        if missing:
            listed = ", ".join(f.label for f in missing)
            raise ServiceError(f"No se puede cerrar la auditoría: la(s) no conformidad(es) {listed} "
                               "no tiene(n) acción correctiva.")
    before = audit.state
    audit.state = transition.target
    if name == "report":
        audit.reported_at = now_utc()
    if name == "close":
        audit.closed_at = now_utc()
    db.session.flush()
    trail.record(actor, "audit.transition", "audit", audit.id, audit.code,
                 {"transition": name, "state": [before, audit.state], **details})
    if name == "report":
        _generate_report(actor, audit)
    search.queue_index(SEARCH_KIND, audit.id)
    return audit


def _generate_report(actor, audit: Audit) -> None:
    from qms.audits.reports import report_context

    process = audit.processes[0] if len(audit.processes) == 1 else None
    region = audit.regions[0].code if len(audit.regions) == 1 else None
    audit.report_sha256, audit.report_record_id = store_report(
        "informe_auditoria.docx", report_context(audit), actor=actor, type_code="INF-AUD",
        title=f"Informe de auditoría {audit.code}: {audit.title}"[:250],
        record_date=audit.actual_end or today_local(), process=process, region_code=region,
        filename=f"{audit.code}.docx", source_kind="audit", source_id=audit.id)
    db.session.flush()
    trail.record(actor, "audit.report_generated", "audit", audit.id, audit.code,
                 {"sha256": audit.report_sha256, "record": audit.report_record_id})


# -- checklist ---------------------------------------------------------------------------------
def _check_fieldwork(actor, audit: Audit) -> None:
    lock(audit)
    if not access.can_perform(actor, audit):
        raise PermissionDenied("Solo el equipo auditor o el comité de calidad pueden hacerlo.")
    if audit.state not in ("planned", "in_progress"):
        raise ServiceError(f"La auditoría está en estado «{audit.state_label}»: su lista de verificación ya no cambia.")


def _remember_question(actor, clause_number: str | None, question: str) -> None:
    """Add the question to the clause's library (or count one more use)."""
    if not clause_number:
        return
    entry = db.session.scalar(sa.select(QuestionBankEntry).where(
        QuestionBankEntry.clause_number == clause_number, QuestionBankEntry.question == question[:1000]))
    if entry is None:
        db.session.add(QuestionBankEntry(clause_number=clause_number, question=question[:1000], use_count=1,
                                         created_by_id=getattr(actor, "id", None)))
    else:
        entry.use_count += 1


def add_checklist_item(actor, audit: Audit, *, question: str, clause=None, criterion_document=None,
                       process=None) -> ChecklistItem:
    _check_fieldwork(actor, audit)
    question = text(question, "La pregunta", "question", max_length=1000)
    if criterion_document is not None and criterion_document.id not in {c.document_id for c in audit.criteria}:
        raise ServiceError("El documento elegido no es criterio de esta auditoría.", field="criterion_document_id")
    position = max([i.position for i in audit.checklist] or [0]) + 1
    item = ChecklistItem(audit_id=audit.id, position=position, question=question,
                         clause_number=getattr(clause, "number", None),
                         criterion_document_id=getattr(criterion_document, "id", None),
                         process_id=getattr(process, "id", None))
    db.session.add(item)
    _remember_question(actor, item.clause_number, question)
    db.session.flush()
    db.session.expire(audit, ["checklist"])
    trail.record(actor, "audit.checklist_added", "audit", audit.id, audit.code,
                 {"item": position, "question": question, "clause": item.clause_number})
    return item


def answer_checklist_item(actor, item: ChecklistItem, *, result: str, evidence: str = "") -> ChecklistItem:
    audit = item.audit
    _check_fieldwork(actor, audit)
    if audit.state != "in_progress":
        raise ServiceError("Inicie la auditoría antes de registrar resultados.")
    result = choice(result, {k: v for k, v in CHECKLIST_RESULTS.items() if k}, "el resultado", "result")
    evidence = text(evidence, "La evidencia", "evidence", required=result != "not_applicable")
    before = {"result": item.result, "evidence": item.evidence}
    item.result, item.evidence = result, evidence
    db.session.flush()
    trail.record(actor, "audit.checklist_answered", "audit", audit.id, audit.code,
                 {"item": item.position, **trail.changes(before, {"result": result, "evidence": evidence})})
    return item


def copy_checklist(actor, audit: Audit, source: Audit) -> int:
    """Copy the questions (not the answers) of a previous audit that covered the same process."""
    _check_fieldwork(actor, audit)
    if source.id == audit.id:
        raise ServiceError("Elija otra auditoría como origen.")
    if not {p.id for p in source.processes} & {p.id for p in audit.processes}:
        raise ServiceError("La auditoría de origen no cubrió ninguno de los procesos de esta.")
    criteria = {c.document_id for c in audit.criteria}
    existing = {i.question for i in audit.checklist}
    position = max([i.position for i in audit.checklist] or [0])
    copied = 0
    for item in source.checklist:
        if item.question in existing:
            continue
        position += 1
        copied += 1
        db.session.add(ChecklistItem(
            audit_id=audit.id, position=position, question=item.question, clause_number=item.clause_number,
            criterion_document_id=item.criterion_document_id if item.criterion_document_id in criteria else None,
            process_id=item.process_id))
        _remember_question(actor, item.clause_number, item.question)
    db.session.flush()
    db.session.expire(audit, ["checklist"])
    trail.record(actor, "audit.checklist_copied", "audit", audit.id, audit.code,
                 {"from": source.code, "items": copied})
    return copied


def bank_questions(clause_numbers) -> dict[str, list[QuestionBankEntry]]:
    """Return the library's questions for these clauses, most used first."""
    rows = db.session.scalars(
        sa.select(QuestionBankEntry).where(QuestionBankEntry.clause_number.in_(list(clause_numbers)))
        .order_by(QuestionBankEntry.clause_number, QuestionBankEntry.use_count.desc(), QuestionBankEntry.id)
    ).all()
    grouped: dict[str, list[QuestionBankEntry]] = {}
    for row in rows:
        grouped.setdefault(row.clause_number, []).append(row)
    return grouped


# -- findings ----------------------------------------------------------------------------------
def record_finding(actor, audit: Audit, *, kind: str, description: str, clause=None, process=None,
                   region_code: str | None = None, requirement: str = "", evidence: str = "",
                   checklist_item: ChecklistItem | None = None):
    """Record a finding; a nonconformity raises its corrective action (owner: the process owner).

    Returns ``(finding, action)``; ``action`` is None for observations and opportunities,
    and for a nonconformity whose process has no owner (the committee assigns one later).
    """
    require(actor, P.FINDING_CREATE)
    lock(audit)
    if not access.can_perform(actor, audit):
        raise PermissionDenied("Solo el equipo auditor o el comité de calidad registran hallazgos.")
    if audit.state != "in_progress":
        raise ServiceError("Los hallazgos se registran con la auditoría en ejecución.")
    kind = choice(kind, FINDING_KINDS, "el tipo de hallazgo", "kind")
    description = text(description, "La descripción del hallazgo", "description")
    if process is not None and process.id not in {p.id for p in audit.processes}:
        raise ServiceError("El proceso elegido no está en el alcance de la auditoría.", field="process_id")
    if process is None and len(audit.processes) == 1:
        process = audit.processes[0]
    if kind in ("nc_major", "nc_minor"):
        if clause is None:
            raise ServiceError("Una no conformidad indica la cláusula incumplida.", field="clause_number")
        if not (requirement or "").strip():
            raise ServiceError("Una no conformidad indica el requisito incumplido.", field="requirement")
        if not (evidence or "").strip():
            raise ServiceError("Una no conformidad indica la evidencia objetiva.", field="evidence")
    if checklist_item is not None and checklist_item.audit_id != audit.id:
        raise ServiceError("La pregunta no pertenece a esta auditoría.")
    number = max([f.number for f in audit.findings] or [0]) + 1
    finding = Finding(
        audit_id=audit.id, number=number, kind=kind, clause_number=getattr(clause, "number", None),
        process_id=getattr(process, "id", None), region_code=region_code or None,
        requirement=text(requirement, "El requisito", "requirement", required=False), description=description,
        evidence=text(evidence, "La evidencia", "evidence", required=False),
        checklist_item_id=getattr(checklist_item, "id", None), created_by_id=actor.id)
    db.session.add(finding)
    db.session.flush()
    db.session.expire(audit, ["findings"])
    trail.record(actor, "finding.created", "finding", finding.id, finding.label,
                 {"kind": kind, "clause": finding.clause_number, "process": getattr(process, "code", None),
                  "description": description})
    notices.finding_raised(actor, finding, process)
    action = None
    if finding.is_nonconformity and process is not None and process.owner is not None:
        from qms.actions import service as actions

        action = actions.raise_for_finding(actor, finding, process.owner)
    search.queue_index(SEARCH_KIND, audit.id)
    return finding, action


def raise_action(actor, finding: Finding, owner):
    """Open the corrective action of a nonconformity that has none yet (owner chosen by hand)."""
    from qms.actions import service as actions

    lock(finding.audit)
    if not (access.can_perform(actor, finding.audit) or actor.can(P.CAPA_MANAGE)):
        raise PermissionDenied()
    if finding.audit.state == "closed":
        raise ServiceError("La auditoría está cerrada.")
    action = actions.raise_for_finding(actor, finding, owner)
    search.queue_index(SEARCH_KIND, finding.audit_id)
    return action


def attach_to_finding(actor, finding: Finding, data: bytes, filename: str) -> FindingAttachment:
    """Attach a file to the finding, checked like every upload (``qms.storage.uploads``)."""
    from qms.storage import store, uploads

    audit = finding.audit
    lock(audit)
    if not access.can_perform(actor, audit):
        raise PermissionDenied()
    if audit.state == "closed":
        raise ServiceError("La auditoría está cerrada.")
    checked = uploads.check(data, filename, fallback_name="anexo")
    stored = store.put(checked.data, checked.content_type)
    attachment = FindingAttachment(finding_id=finding.id, sha256=stored.sha256, filename=checked.filename,
                                   content_type=checked.content_type, uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    trail.record(actor, "finding.attachment_added", "finding", finding.id, finding.label,
                 {"file": attachment.filename, "sha256": stored.sha256, "content_type": checked.content_type})
    return attachment


def team_label(audit: Audit) -> str:
    return names([u for u in audit.team if u.id != audit.lead_auditor_id])
