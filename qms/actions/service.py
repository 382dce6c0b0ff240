"""Operations on actions (CAPA): the only place that changes them.

Each function takes the acting user, checks permission and state, changes the objects,
writes the audit trail and queues search indexing; it flushes and never commits.
A closed action is read-only: the only change left is ``amend``, with a reason.
"""
from __future__ import annotations

from datetime import date

from qms import search
from qms.actions import access, notices
from qms.actions.models import (
    ACTION_KINDS,
    ACTION_SOURCES,
    ANALYSIS_METHODS,
    ISHIKAWA_CATEGORIES,
    TASK_STATUSES,
    Action,
    ActionAmendment,
    ActionTask,
    IshikawaCause,
    TaskEvidence,
    Verification,
    WhyStep,
)
from qms.actions.workflow import VERIFY_TRANSITIONS, WORKFLOW
from qms.core.checks import choice, date_order, not_future, require, text
from qms.core.codes import next_yearly_code
from qms.core.locking import lock
from qms.records.service import store_report
from qms.core import permissions as P
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.timeutil import format_date, now_utc, today_local
from qms.trail import service as trail

SEARCH_KIND = "action"
#: Fields an amendment of a closed action may change.
AMENDABLE = ("title", "problem", "correction", "root_cause", "similar_nonconformities")


def _snapshot(action: Action) -> dict:
    return {
        "title": action.title, "kind": action.kind, "problem": action.problem, "correction": action.correction,
        "owner": action.owner_id, "process": action.process_id, "region": action.region_code,
        "analysis_method": action.analysis_method, "root_cause": action.root_cause,
        "similar_nonconformities": action.similar_nonconformities,
    }


def _touch(actor, action: Action, event: str, details: dict | None = None) -> None:
    trail.record(actor, event, "action", action.id, action.code, details or {})
    search.queue_index(SEARCH_KIND, action.id)


def _check_open(action: Action) -> None:
    lock(action)
    if action.is_closed:
        raise ServiceError("La acción está cerrada y no se puede modificar; use «Enmendar» e indique el motivo.")
    if action.is_withdrawn:
        raise ServiceError("La acción está anulada y ya no se modifica.")


def _check_work(actor, action: Action) -> None:
    if not access.can_work(actor, action):
        raise PermissionDenied("Solo el responsable de la acción o el comité de calidad pueden modificarla.")
    _check_open(action)


def _owner(owner):
    if owner is None:
        raise ServiceError("Indique el responsable de la acción.", field="owner_id")
    if not owner.is_enabled:
        raise ServiceError("El responsable elegido no está activo.", field="owner_id")
    return owner


def _create(actor, *, kind, source_kind, source_id=None, source_ref="", title, problem, correction="",
            process=None, region_code=None, owner, opened_on: date | None = None) -> Action:
    kind = choice(kind, ACTION_KINDS, "el tipo de acción", "kind")
    source_kind = choice(source_kind, ACTION_SOURCES, "el origen", "source_kind")
    title = text(title, "El título", "title", max_length=250)
    problem = text(problem, "La descripción del problema", "problem")
    opened_on = opened_on or today_local()
    not_future(opened_on, "La fecha de apertura", "opened_on")
    action = Action(
        code=next_yearly_code("AC", opened_on.year, Action.code), year=opened_on.year, kind=kind,
        source_kind=source_kind, source_id=source_id, source_ref=(source_ref or "")[:120], title=title,
        problem=problem, correction=text(correction, "La corrección", "correction", required=False),
        process_id=getattr(process, "id", None), region_code=region_code or None, owner_id=_owner(owner).id,
        opened_on=opened_on, created_by_id=getattr(actor, "id", None), state="open",
    )
    db.session.add(action)
    db.session.flush()
    _touch(actor, action, "action.created", {
        "kind": kind, "source": source_kind, "source_ref": action.source_ref, "owner": action.owner_id,
        "title": title})
    notices.assigned(actor, action)
    return action


def create_action(actor, **fields) -> Action:
    """Open an action by hand (reclamo SIAC, revisión por la dirección, indicador, otra)."""
    require(actor, P.CAPA_MANAGE)
    return _create(actor, **fields)


def raise_for_finding(actor, finding, owner) -> Action:
    """Open the corrective action of a nonconformity finding, prefilled from it, and link it."""
    require(actor, P.FINDING_CREATE, P.CAPA_MANAGE, P.AUDIT_MANAGE)
    lock(finding)
    if not finding.is_nonconformity:
        raise ServiceError("Solo las no conformidades requieren una acción correctiva.")
    if finding.action_id is not None and not finding.action.is_withdrawn:
        raise ServiceError(f"El hallazgo ya tiene la acción {finding.action.code}.")
    clause = f" (cláusula {finding.clause_number})" if finding.clause_number else ""
    problem = finding.description
    if finding.requirement:
        problem += f"\n\nRequisito: {finding.requirement}"
    if finding.evidence:
        problem += f"\n\nEvidencia: {finding.evidence}"
    action = _create(
        actor, kind="corrective", source_kind="finding", source_id=finding.id, source_ref=finding.label,
        title=f"{finding.kind_label} {finding.label}{clause}"[:250], problem=problem,
        process=finding.process, region_code=finding.region_code, owner=owner)
    finding.action_id = action.id
    db.session.flush()
    trail.record(actor, "finding.action_raised", "finding", finding.id, finding.label, {"action": action.code})
    return action


def raise_for_nonconformity(actor, pnc, owner) -> Action:
    """Open a corrective action for a nonconforming output whose cause is systemic."""
    require(actor, P.NC_MANAGE, P.CAPA_MANAGE)
    lock(pnc)
    if pnc.action_id is not None and not pnc.action.is_withdrawn:
        raise ServiceError(f"El PNC ya está vinculado a la acción {pnc.action.code}.")
    action = _create(
        actor, kind="corrective", source_kind="pnc", source_id=pnc.id, source_ref=pnc.code,
        title=f"PNC {pnc.code}: {pnc.product}"[:250], problem=pnc.description, correction=pnc.disposition,
        process=pnc.process, region_code=pnc.region_code, owner=owner)
    pnc.action_id = action.id
    db.session.flush()
    trail.record(actor, "nonconformity.action_linked", "nonconformity", pnc.id, pnc.code, {"action": action.code})
    return action


def update_details(actor, action: Action, *, title, kind, problem, correction, owner=None) -> Action:
    """Change the description; only the committee may hand the action to another owner."""
    _check_work(actor, action)
    before = _snapshot(action)
    action.title = text(title, "El título", "title", max_length=250)
    action.kind = choice(kind, ACTION_KINDS, "el tipo de acción", "kind")
    action.problem = text(problem, "La descripción del problema", "problem")
    action.correction = text(correction, "La corrección", "correction", required=False)
    if owner is not None and owner.id != action.owner_id:
        if not access.can_manage(actor):
            raise PermissionDenied("Solo el comité de calidad puede cambiar el responsable.")
        pending = action.current_verification
        if pending is not None and pending.is_pending and pending.verifier_id == owner.id:
            raise ServiceError("El nuevo responsable es el verificador de la acción; elija otro verificador primero.",
                               field="owner_id")
        action.owner_id = _owner(owner).id
    db.session.flush()
    changes = trail.changes(before, _snapshot(action))
    if changes:
        _touch(actor, action, "action.edited", changes)
    if "owner" in changes:
        db.session.expire(action, ["owner"])
        notices.assigned(actor, action)
    return action


def _confirm_discard(action: Action, whys, causes, confirmed: bool) -> None:
    """Refuse to empty a method's saved rows unless the person confirmed it."""
    lost = [label for label, saved, kept in (("los 5 porqués guardados", action.current_whys, whys),
                                              ("las causas guardadas del Ishikawa", action.current_causes, causes))
            if saved and not kept]
    if lost and not confirmed:
        raise ServiceError(f"Se borrarían {' y '.join(lost)}. Marque «Confirmo que quiero borrarlos» para continuar, "
                           "o vuelva a escribirlos.", field="discard_confirmed")


def save_analysis(actor, action: Action, *, method: str, whys=(), causes=(), root_cause: str,
                  similar_nonconformities: str = "", discard_confirmed: bool = False) -> Action:
    """Replace the current cycle's root-cause analysis: its 5 porqués rows and its Ishikawa causes.

    ``whys`` is a list of ``(why, answer)``; ``causes`` a list of ``(category, cause)``.
    Both methods' data are kept whichever is the main one (``method``, which must be
    filled in); emptying the saved rows of a method needs ``discard_confirmed``, so a switch
    of method never loses the other analysis by accident. Saving the analysis of an open
    action starts the analysis.
    """
    _check_work(actor, action)
    if action.state not in ("open", "analysis"):
        raise ServiceError("El análisis de causa solo se modifica con la acción abierta o en análisis.")
    method = choice(method, ANALYSIS_METHODS, "el método de análisis", "method")
    whys = [(text(w, "La pregunta", required=False), text(a, "La respuesta", required=False)) for w, a in whys]
    whys = [(w, a) for w, a in whys if w or a]
    causes = [(c, text(t, "La causa", required=False)) for c, t in causes]
    causes = [(c, t) for c, t in causes if t]
    for category, _cause in causes:
        choice(category, ISHIKAWA_CATEGORIES, "la categoría de cada causa", "causes")
    if any(not w or not a for w, a in whys):
        raise ServiceError("Cada «¿por qué?» necesita su pregunta y su respuesta.", field="whys")
    if method == "five_whys" and not whys:
        raise ServiceError("Escriba al menos un «¿por qué?» con su respuesta.", field="whys")
    if method == "ishikawa" and not causes:
        raise ServiceError("Anote al menos una causa en alguna de las seis categorías.", field="causes")
    _confirm_discard(action, whys, causes, discard_confirmed)
    root_cause = text(root_cause, "La causa raíz", "root_cause")
    before = _snapshot(action)
    before["whys"] = [[w.why, w.answer] for w in action.current_whys]
    before["causes"] = [[c.category, c.cause] for c in action.current_causes]
    for row in action.current_whys + action.current_causes:
        db.session.delete(row)
    db.session.flush()
    db.session.expire(action, ["whys", "causes"])
    for position, (why, answer) in enumerate(whys, start=1):
        db.session.add(WhyStep(action_id=action.id, cycle=action.cycle, position=position, why=why, answer=answer))
    for category, cause in causes:
        db.session.add(IshikawaCause(action_id=action.id, cycle=action.cycle, category=category, cause=cause))
    action.analysis_method = method
    action.root_cause = root_cause
    action.similar_nonconformities = text(similar_nonconformities, "La respuesta", "similar_nonconformities",
                                          required=False)
    db.session.flush()
    db.session.expire(action, ["whys", "causes"])
    after = _snapshot(action)
    after["whys"] = [[w.why, w.answer] for w in action.current_whys]
    after["causes"] = [[c.category, c.cause] for c in action.current_causes]
    _touch(actor, action, "action.analysis_saved", trail.changes(before, after))
    if action.state == "open":
        _move(actor, action, "start_analysis")
    return action


def _check_plan_editable(actor, action: Action) -> None:
    _check_work(actor, action)
    if action.state not in ("open", "analysis", "implementing"):
        raise ServiceError(f"El plan no se modifica con la acción en estado «{action.state_label}».")


def add_task(actor, action: Action, *, description: str, responsible, due_date: date | None) -> ActionTask:
    _check_plan_editable(actor, action)
    description = text(description, "La tarea", "description", max_length=4000)
    if responsible is None or not responsible.is_enabled:
        raise ServiceError("Indique un responsable activo para la tarea.", field="responsible_id")
    if due_date is None:
        raise ServiceError("Indique el plazo de la tarea.", field="due_date")
    date_order(action.opened_on, due_date,
               f"El plazo ({format_date(due_date)}) no puede ser anterior a la apertura de la acción "
               f"({format_date(action.opened_on)}).", "due_date")
    position = max([t.position for t in action.current_tasks] or [0]) + 1
    task = ActionTask(action_id=action.id, cycle=action.cycle, position=position, description=description,
                      responsible_id=responsible.id, due_date=due_date, status="pending")
    db.session.add(task)
    db.session.flush()
    db.session.expire(action, ["tasks"])
    _touch(actor, action, "action.task_added", {"task": position, "description": description,
                                                "responsible": responsible.id, "due_date": due_date})
    notices.task_assigned(actor, action, task)
    return task


def update_task(actor, task: ActionTask, *, status: str, evidence_note: str = "",
                completed_on: date | None = None) -> ActionTask:
    """Change a task's status; the owner, the committee or the task's responsible may."""
    action = task.action
    if not (access.can_work(actor, action) or task.responsible_id == actor.id):
        raise PermissionDenied("Solo el responsable de la tarea o de la acción pueden actualizarla.")
    _check_open(action)
    if task.cycle != action.cycle:
        raise ServiceError("Esa tarea pertenece a un ciclo anterior de la acción y ya no cambia.")
    if action.state not in ("analysis", "implementing"):
        raise ServiceError(f"Las tareas no se actualizan con la acción en estado «{action.state_label}».")
    status = choice(status, TASK_STATUSES, "el estado de la tarea", "status")
    evidence_note = text(evidence_note, "La evidencia", "evidence_note", required=False)
    if status == "done":
        if not evidence_note and not task.evidence_files:
            raise ServiceError("Para dar la tarea por realizada, describa o adjunte la evidencia.",
                               field="evidence_note")
        completed_on = completed_on or today_local()
        not_future(completed_on, "La fecha de realización", "completed_on")
        date_order(action.opened_on, completed_on,
                   "La fecha de realización no puede ser anterior a la apertura de la acción.", "completed_on")
    else:
        completed_on = None
    before = {"status": task.status, "evidence_note": task.evidence_note, "completed_on": task.completed_on}
    task.status, task.evidence_note, task.completed_on = status, evidence_note, completed_on
    db.session.flush()
    _touch(actor, action, "action.task_updated",
           {"task": task.position, **trail.changes(before, {"status": status, "evidence_note": evidence_note,
                                                           "completed_on": completed_on})})
    return task


def remove_task(actor, task: ActionTask) -> None:
    action = task.action
    _check_plan_editable(actor, action)
    if task.cycle != action.cycle or task.status != "pending" or action.state == "implementing":
        raise ServiceError("Solo se quitan tareas pendientes mientras el plan está en análisis; "
                           "en implementación, anúlela.")
    _touch(actor, action, "action.task_removed", {"task": task.position, "description": task.description})
    db.session.delete(task)
    db.session.flush()
    db.session.expire(action, ["tasks"])


def attach_task_evidence(actor, task: ActionTask, data: bytes, filename: str) -> TaskEvidence:
    """Attach evidence to a task, checked like every upload (``qms.storage.uploads``)."""
    from qms.storage import store, uploads

    action = task.action
    if not (access.can_work(actor, action) or task.responsible_id == actor.id):
        raise PermissionDenied()
    _check_open(action)
    checked = uploads.check(data, filename, fallback_name="evidencia")
    stored = store.put(checked.data, checked.content_type)
    evidence = TaskEvidence(task_id=task.id, sha256=stored.sha256, filename=checked.filename,
                            content_type=checked.content_type, uploaded_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    _touch(actor, action, "action.evidence_added", {"task": task.position, "file": evidence.filename,
                                                    "sha256": stored.sha256, "content_type": checked.content_type})
    return evidence


def plan_verification(actor, action: Action, *, planned_date: date | None, verifier) -> Verification:
    """Set (or change, while pending) who verifies effectiveness and when; never the owner."""
    _check_work(actor, action)
    if action.state not in ("open", "analysis", "implementing"):
        raise ServiceError(f"La verificación no se planifica con la acción en estado «{action.state_label}».")
    if verifier is None:
        raise ServiceError("Indique quién verificará la eficacia.", field="verifier_id")
    if verifier.id == action.owner_id:
        raise ServiceError("La eficacia debe verificarla una persona distinta del responsable de la acción.",
                           field="verifier_id")
    if not verifier.is_enabled or not verifier.can(P.CAPA_VERIFY):
        raise ServiceError(f"{verifier.full_name} no tiene el permiso para verificar la eficacia de acciones.",
                           field="verifier_id")
    if planned_date is None:
        raise ServiceError("Indique la fecha planificada de la verificación.", field="planned_date")
    latest_due = max([t.due_date for t in action.current_tasks] or [action.opened_on])
    date_order(latest_due, planned_date,
               f"La verificación ({format_date(planned_date)}) no puede planificarse antes del último plazo "
               f"del plan ({format_date(latest_due)}).", "planned_date")
    current = action.current_verification
    if current is not None and current.is_pending:
        before = {"planned_date": current.planned_date, "verifier": current.verifier_id}
        current.planned_date, current.verifier_id = planned_date, verifier.id
        verification = current
        details = trail.changes(before, {"planned_date": planned_date, "verifier": verifier.id})
    else:
        verification = Verification(action_id=action.id, cycle=action.cycle, planned_date=planned_date,
                                    verifier_id=verifier.id)
        db.session.add(verification)
        details = {"planned_date": planned_date, "verifier": verifier.id, "cycle": action.cycle}
    db.session.flush()
    db.session.expire(action, ["verifications"])
    _touch(actor, action, "action.verification_planned", details)
    if "verifier" in details:
        db.session.expire(verification, ["verifier"])
        notices.verification_assigned(actor, action, verification)
    return verification


def withdraw(actor, action: Action, reason: str) -> Action:
    """Annul an action opened by mistake: the committee only, with a reason; it is kept and trailed."""
    require(actor, P.CAPA_MANAGE)
    lock(action)
    WORKFLOW.check("withdraw", action.state)
    reason = text(reason, "El motivo de la anulación", "reason")
    action.withdrawn_reason, action.withdrawn_at, action.withdrawn_by_id = reason, now_utc(), actor.id
    before = action.state
    action.state = "withdrawn"
    db.session.flush()
    _touch(actor, action, "action.withdrawn", {"reason": reason, "state": [before, action.state]})
    return action


def _move(actor, action: Action, name: str) -> None:
    transition = WORKFLOW.check(name, action.state)
    before = action.state
    action.state = transition.target
    db.session.flush()
    _touch(actor, action, "action.transition", {"transition": name, "state": [before, action.state]})


def apply_transition(actor, action: Action, name: str, *, evidence: str = "", performed_on: date | None = None,
                     early_reason: str = "") -> Action:
    """Take one step of the CAPA workflow, checking who may and what must be complete."""
    lock(action)
    transition = WORKFLOW.check(name, action.state)
    if name == "withdraw":
        raise ServiceError("Para anular la acción, indique el motivo en el formulario «Anular la acción».")
    if name in VERIFY_TRANSITIONS:
        _verify(actor, action, transition.name, evidence, performed_on, early_reason)
        return action
    if not access.can_work(actor, action):
        raise PermissionDenied("Solo el responsable de la acción o el comité de calidad pueden hacerlo.")
    if name == "start_implementation":
        if not action.analysis_method or not action.root_cause:
            raise ServiceError("Complete el análisis de causa raíz antes de aprobar el plan.")
        if not action.current_tasks:
            raise ServiceError("El plan de acción necesita al menos una tarea.")
        verification = action.current_verification
        if verification is None or not verification.is_pending:
            raise ServiceError("Planifique la verificación de eficacia (fecha y verificador) antes de implementar.")
    if name == "request_verification":
        _check_no_open_tasks(action, "No se puede pasar a verificación")
    _move(actor, action, name)
    if name == "request_verification":
        notices.ready_to_verify(actor, action)
    return action


def _check_no_open_tasks(action: Action, prefix: str) -> None:
    open_tasks = action.open_tasks
    if open_tasks:
        listed = ", ".join(f"N° {t.position}" for t in open_tasks)
        raise ServiceError(f"{prefix}: quedan {len(open_tasks)} tarea(s) abierta(s) del plan ({listed}).")


def _verify(actor, action: Action, name: str, evidence: str, performed_on: date | None,
            early_reason: str = "") -> None:
    require(actor, P.CAPA_VERIFY)
    if actor.id == action.owner_id:
        raise ServiceError("La eficacia debe verificarla una persona distinta del responsable de la acción.")
    verification = action.current_verification
    if verification is None or not verification.is_pending:
        raise ServiceError("La acción no tiene una verificación planificada pendiente.")
    if verification.verifier_id != actor.id and not access.can_manage(actor):
        raise PermissionDenied(f"La verificación está asignada a {verification.verifier.full_name}.")
    evidence = text(evidence, "La evidencia de la verificación", "evidence")
    performed_on = performed_on or today_local()
    not_future(performed_on, "La fecha de verificación", "performed_on")
    date_order(action.opened_on, performed_on,
               "La fecha de verificación no puede ser anterior a la apertura de la acción.", "performed_on")
    # Effectiveness is judged on the finished plan, whatever the verdict.
    _check_no_open_tasks(action, "No se puede verificar la eficacia")
    early_reason = text(early_reason, "El motivo de la verificación anticipada", "early_reason", required=False)
    if performed_on < verification.planned_date:
        if not early_reason:
            raise ServiceError(
                f"La verificación estaba planificada para el {format_date(verification.planned_date)}: para "
                f"verificar antes ({format_date(performed_on)}), indique el motivo de la verificación anticipada.",
                field="early_reason")
    else:
        early_reason = ""
    result = "effective" if name == "verify_effective" else "not_effective"
    verification.result, verification.evidence = result, evidence
    verification.performed_on, verification.performed_by_id = performed_on, actor.id
    verification.early_reason = early_reason
    db.session.flush()
    details = {"cycle": action.cycle, "result": result, "evidence": evidence, "verification": verification.id}
    if early_reason:
        details.update(planned_date=verification.planned_date, early_reason=early_reason)
    _touch(actor, action, "action.verified", details)
    _move(actor, action, name)
    if result == "effective":
        action.closed_at = now_utc()
        _generate_report(actor, action)
    else:
        _start_new_cycle(action)
    db.session.flush()
    notices.verified(actor, action, result)


def _start_new_cycle(action: Action) -> None:
    """Open the next analysis cycle, starting as a copy of the last one (the old rows stay)."""
    previous = action.cycle
    whys = [(w.why, w.answer) for w in action.current_whys]
    causes = [(c.category, c.cause) for c in action.current_causes]
    action.cycle = previous + 1
    for position, (why, answer) in enumerate(whys, start=1):
        db.session.add(WhyStep(action_id=action.id, cycle=action.cycle, position=position, why=why, answer=answer))
    for category, cause in causes:
        db.session.add(IshikawaCause(action_id=action.id, cycle=action.cycle, category=category, cause=cause))
    db.session.flush()
    db.session.expire(action, ["whys", "causes", "tasks", "verifications"])


def _generate_report(actor, action: Action) -> None:
    from qms.actions.reports import report_context

    action.report_sha256, action.report_record_id = store_report(
        "accion_correctiva.docx", report_context(action), actor=actor, type_code="INF-AC",
        title=f"Informe de acción {action.code}: {action.title}"[:250], record_date=today_local(),
        process=action.process, region_code=action.region_code, filename=f"{action.code}.docx",
        source_kind="action", source_id=action.id)
    trail.record(actor, "action.report_generated", "action", action.id, action.code,
                 {"sha256": action.report_sha256, "record": action.report_record_id})


def amend(actor, action: Action, *, reason: str, **changes) -> ActionAmendment:
    """Change a closed action, with a reason; the amendment is kept and trailed."""
    require(actor, P.CAPA_MANAGE)
    lock(action)
    if not action.is_closed:
        raise ServiceError("Solo las acciones cerradas se enmiendan; esta todavía se puede editar.")
    reason = text(reason, "El motivo de la enmienda", "reason")
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise ServiceError("Esos campos no se pueden enmendar.")
    before = {k: getattr(action, k) for k in changes}
    after = {k: text(v, "El texto", k, required=(k in ("title", "problem", "root_cause")),
                     max_length=250 if k == "title" else 20000) for k, v in changes.items()}
    diff = trail.changes(before, after)
    if not diff:
        raise ServiceError("La enmienda no cambia nada.")
    for key, value in after.items():
        setattr(action, key, value)
    amendment = ActionAmendment(action_id=action.id, reason=reason, changes=diff, by_id=actor.id)
    db.session.add(amendment)
    db.session.flush()
    _touch(actor, action, "action.amended", {"reason": reason, **diff})
    return amendment
