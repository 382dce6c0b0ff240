"""Pages of actions (CAPA): list, detail, analysis, plan, verification, follow-up and its .xlsx."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from qms.actions import access, queries, service
from qms.actions.models import (
    ACTION_KINDS,
    ACTION_SOURCES,
    ACTION_STATES,
    ANALYSIS_METHODS,
    ISHIKAWA_CATEGORIES,
    TASK_STATUSES,
    Action,
    ActionTask,
    TaskEvidence,
    Verification,
)
from qms.actions.workflow import WORKFLOW
from qms.auth.queries import enabled_users as users_choices
from qms.core.forms import CsrfForm, create_once, form_date, form_int, run, uploaded
from qms.core.submissions import fulfil
from qms.org.queries import active_processes as processes
from qms.org.queries import regions
from qms.storage.downloads import DownloadEntry, send_stored
from qms.core import permissions as P
from qms.trail import registry as objects
from qms.auth.models import User
from qms.docgen.templates import DOCX_TYPE
from qms.errors import ServiceError
from qms.extensions import db
from qms.org.models import Process
from qms.web import ListPage, Page, acting_user, int_arg, login_required, page_arg, permission_required, year_arg

bp = Blueprint("actions", __name__, url_prefix="/acciones")


def _load(action_code: str) -> Action:
    action = db.session.scalar(sa.select(Action).where(Action.code == action_code))
    if action is None or not access.can_view(current_user, action):
        abort(404)
    return action


def _detail_url(action: Action, anchor: str = "") -> str:
    return url_for("actions.detail", action_code=action.code) + anchor


@bp.route("/")
@login_required
def index():
    stmt = sa.select(Action).order_by(Action.opened_on.desc(), Action.code.desc())
    if not (current_user.can(P.CAPA_MANAGE) or current_user.can(P.CAPA_VERIFY) or current_user.can(P.AUDIT_MANAGE)):
        stmt = stmt.where(sa.or_(
            Action.owner_id == current_user.id,
            Action.id.in_(sa.select(ActionTask.action_id).where(ActionTask.responsible_id == current_user.id)),
            Action.id.in_(sa.select(Verification.action_id).where(Verification.verifier_id == current_user.id))))
    state = request.args.get("state") or ""
    if state in ACTION_STATES:
        stmt = stmt.where(Action.state == state)
    page = Page(stmt.options(selectinload(Action.owner)), page_arg(), per_page=25)
    return render_template("actions/index.html", page=page, states=ACTION_STATES,
                           state=state)


@bp.route("/nueva", methods=["GET", "POST"])
@permission_required(P.CAPA_MANAGE)
def new():
    form = CsrfForm()
    values = request.form if request.method == "POST" else {}
    if form.validate_on_submit() and (previous := create_once()) is not None:
        return previous
    if form.validate_on_submit():
        try:
            action = service.create_action(
                acting_user(), kind=request.form.get("kind", ""), source_kind=request.form.get("source_kind", ""),
                source_ref=request.form.get("source_ref", ""), title=request.form.get("title", ""),
                problem=request.form.get("problem", ""), correction=request.form.get("correction", ""),
                process=db.session.get(Process, form_int("process_id") or 0),
                region_code=request.form.get("region_code") or None,
                owner=db.session.get(User, form_int("owner_id") or 0), opened_on=form_date("opened_on"))
            fulfil(_detail_url(action))
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"Acción {action.code} abierta.", "success")
            return redirect(_detail_url(action))
    return render_template("actions/new.html", form=form, values=values, kinds=ACTION_KINDS,
                           sources={k: v for k, v in ACTION_SOURCES.items() if k not in ("finding", "pnc")},
                           processes=processes(), regions=regions(), people=users_choices())


@bp.route("/<action_code>")
@login_required
def detail(action_code: str):
    action = _load(action_code)
    source_url = None
    if action.source_kind == "finding" and action.source_id:
        source_url = objects.link_to(current_user, "finding", action.source_id)
    elif action.source_kind == "pnc" and action.source_ref:
        source_url = url_for("nonconformities.detail", pnc_code=action.source_ref)
    user = current_user
    return render_template(
        "actions/detail.html", action=action, form=CsrfForm(), can_work=access.can_work(user, action),
        can_manage=access.can_manage(user), transitions=WORKFLOW.available(action.state),
        statuses=TASK_STATUSES, people=users_choices(), verifiers=users_choices(P.CAPA_VERIFY),
        categories=ISHIKAWA_CATEGORIES, methods=ANALYSIS_METHODS, kinds=ACTION_KINDS, source_url=source_url,
        amendable=service.AMENDABLE)


def _again(action_code: str):
    """Render the action page again after a refused action, with what was typed (``typed`` in the template)."""
    return lambda: detail(action_code)


@bp.route("/<action_code>/editar", methods=["GET", "POST"])
@login_required
def edit(action_code: str):
    """Title, kind, problem, immediate correction and (committee only) owner of an open action.

    Actions raised from a finding or a PNC start from their source's text; this is where
    the owner and the committee complete them.
    """
    action = _load(action_code)
    if not access.can_work(current_user, action) or action.is_closed:
        abort(404)
    form = CsrfForm()
    status = 200
    if form.validate_on_submit():
        owner = db.session.get(User, form_int("owner_id") or 0) if access.can_manage(current_user) else None
        try:
            service.update_details(
                acting_user(), action, title=request.form.get("title", ""), kind=request.form.get("kind", ""),
                problem=request.form.get("problem", ""), correction=request.form.get("correction", ""), owner=owner)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
            status = 400
        else:
            db.session.commit()
            flash("Acción actualizada.", "success")
            return redirect(_detail_url(action))
    if request.method == "POST":
        if status == 200:  # the CSRF token failed: keep the typing, say why
            flash("El formulario expiró o no es válido; inténtelo de nuevo.", "danger")
            status = 400
        values = request.form
    else:
        values = {"title": action.title, "kind": action.kind, "problem": action.problem,
                  "correction": action.correction, "owner_id": str(action.owner_id)}
    return render_template("actions/edit.html", action=action, form=form, values=values, kinds=ACTION_KINDS,
                           people=users_choices(), can_manage=access.can_manage(current_user)), status


@bp.route("/<action_code>/analisis", methods=["GET", "POST"])
@login_required
def analysis(action_code: str):
    action = _load(action_code)
    if not access.can_work(current_user, action):
        abort(404)
    form = CsrfForm()
    if form.validate_on_submit():
        whys = list(zip(request.form.getlist("why"), request.form.getlist("answer")))
        causes = [(key, line) for key in ISHIKAWA_CATEGORIES
                  for line in (request.form.get(f"cause_{key}") or "").splitlines()]
        try:
            service.save_analysis(acting_user(), action, method=request.form.get("method", ""), whys=whys,
                                  causes=causes, root_cause=request.form.get("root_cause", ""),
                                  similar_nonconformities=request.form.get("similar_nonconformities", ""),
                                  discard_confirmed=request.form.get("discard_confirmed") == "y")
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return render_template("actions/analysis.html", action=action, form=form, values=request.form,
                                   whys=whys, categories=ISHIKAWA_CATEGORIES, methods=ANALYSIS_METHODS), 400
        db.session.commit()
        flash("Análisis de causa guardado.", "success")
        return redirect(_detail_url(action))
    whys = [(w.why, w.answer) for w in action.current_whys]
    values = {"method": action.analysis_method or "five_whys", "root_cause": action.root_cause,
              "similar_nonconformities": action.similar_nonconformities}
    for key in ISHIKAWA_CATEGORIES:
        values[f"cause_{key}"] = "\n".join(c.cause for c in action.current_causes if c.category == key)
    return render_template("actions/analysis.html", action=action, form=form, values=values, whys=whys,
                           categories=ISHIKAWA_CATEGORIES, methods=ANALYSIS_METHODS)


@bp.route("/<action_code>/tareas", methods=["POST"])
@login_required
def add_task(action_code: str):
    action = _load(action_code)
    return run(lambda: service.add_task(
        acting_user(), action, description=request.form.get("description", ""),
        responsible=db.session.get(User, form_int("responsible_id") or 0), due_date=form_date("due_date")),
        "Tarea agregada al plan.", _detail_url(action, "#plan"), _again(action_code), once=True)


def _task(action: Action, task_id: int) -> ActionTask:
    task = db.session.get(ActionTask, task_id)
    if task is None or task.action_id != action.id:
        abort(404)
    return task


@bp.route("/<action_code>/tareas/<int:task_id>", methods=["POST"])
@login_required
def update_task(action_code: str, task_id: int):
    action = _load(action_code)
    task = _task(action, task_id)
    return run(lambda: service.update_task(
        acting_user(), task, status=request.form.get("status", ""), evidence_note=request.form.get("evidence_note", ""),
        completed_on=form_date("completed_on")), "Tarea actualizada.", _detail_url(action, "#plan"),
        _again(action_code))


@bp.route("/<action_code>/tareas/<int:task_id>/quitar", methods=["POST"])
@login_required
def remove_task(action_code: str, task_id: int):
    action = _load(action_code)
    task = _task(action, task_id)
    return run(lambda: service.remove_task(acting_user(), task), "Tarea quitada.", _detail_url(action, "#plan"),
               _again(action_code))


@bp.route("/<action_code>/tareas/<int:task_id>/evidencia", methods=["POST"])
@login_required
def add_evidence(action_code: str, task_id: int):
    action = _load(action_code)
    task = _task(action, task_id)

    def operation():
        data, filename = uploaded()
        return service.attach_task_evidence(acting_user(), task, data, filename)

    return run(operation, "Evidencia adjuntada.", _detail_url(action, "#plan"), _again(action_code))


@bp.route("/<action_code>/evidencia/<int:evidence_id>")
@login_required
def evidence(action_code: str, evidence_id: int):
    action = _load(action_code)
    row = db.session.get(TaskEvidence, evidence_id)
    if row is None or row.task.action_id != action.id:
        abort(404)
    return send_stored(acting_user(), row.sha256, row.filename, DownloadEntry(
        "action.evidence_downloaded", "action", action.id, action.code, {"task": row.task.position, "evidence": row.id}))


@bp.route("/<action_code>/verificacion", methods=["POST"])
@login_required
def plan_verification(action_code: str):
    action = _load(action_code)
    return run(lambda: service.plan_verification(
        acting_user(), action, planned_date=form_date("planned_date"),
        verifier=db.session.get(User, form_int("verifier_id") or 0)), "Verificación de eficacia planificada.",
        _detail_url(action, "#verificacion"), _again(action_code))


@bp.route("/<action_code>/accion/<transition>", methods=["POST"])
@login_required
def transition(action_code: str, transition: str):
    action = _load(action_code)
    return run(lambda: service.apply_transition(
        acting_user(), action, transition, evidence=request.form.get("evidence", ""),
        performed_on=form_date("performed_on"), early_reason=request.form.get("early_reason", "")),
        lambda a: f"Acción {a.code}: {a.state_label}.", _detail_url(action), _again(action_code))


@bp.route("/<action_code>/anular", methods=["POST"])
@permission_required(P.CAPA_MANAGE)
def withdraw(action_code: str):
    action = _load(action_code)
    return run(lambda: service.withdraw(acting_user(), action, request.form.get("reason", "")),
               lambda a: f"Acción {a.code} anulada.", _detail_url(action), _again(action_code))


@bp.route("/<action_code>/enmendar", methods=["POST"])
@permission_required(P.CAPA_MANAGE)
def amend(action_code: str):
    action = _load(action_code)
    changes = {k: request.form[k] for k in service.AMENDABLE if k in request.form and request.form[k] != getattr(action, k)}
    return run(lambda: service.amend(acting_user(), action, reason=request.form.get("reason", ""), **changes),
               "Enmienda registrada.", _detail_url(action), _again(action_code))


@bp.route("/<action_code>/informe")
@login_required
def report(action_code: str):
    """The stored report of a closed action, or a draft of the current state."""
    action = _load(action_code)
    if action.report_sha256:
        return send_stored(acting_user(), action.report_sha256, f"{action.code}.docx",
                           DownloadEntry("action.report_downloaded", "action", action.id, action.code))
    from qms.actions.reports import report_context
    from qms.docgen.service import render_report

    data = render_report("accion_correctiva.docx", report_context(action))
    db.session.commit()  # the template version row, if it was recorded now
    return send_file(io.BytesIO(data), mimetype=DOCX_TYPE, as_attachment=True,
                     download_name=f"{action.code}-borrador.docx")


# -- follow-up ---------------------------------------------------------------------------------
def _filters() -> queries.FollowupFilters:
    state = request.args.get("state", "open")
    return queries.FollowupFilters(
        state=state if state in queries.FOLLOWUP_STATES else "open",
        kind=request.args.get("kind", "") if request.args.get("kind") in queries.ITEM_KINDS else "",
        process_id=int_arg("process"), region=request.args.get("region", "")[:8],
        source=request.args.get("source", "") if request.args.get("source") in ACTION_SOURCES else "",
        year=year_arg())


@bp.route("/seguimiento")
@permission_required(P.CAPA_MANAGE)
def followup():
    filters = _filters()
    rows = queries.followup_rows(filters)
    return render_template("actions/followup.html", rows=rows, page=ListPage(rows, page_arg(), per_page=50),
                           filters=filters, kinds=queries.ITEM_KINDS,
                           states=queries.FOLLOWUP_STATES, sources=ACTION_SOURCES, processes=processes(),
                           regions=regions())


@bp.route("/seguimiento.xlsx")
@permission_required(P.CAPA_MANAGE)
def followup_xlsx():
    data = queries.to_xlsx(queries.followup_rows(_filters()))
    return send_file(io.BytesIO(data), as_attachment=True, download_name="seguimiento.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


