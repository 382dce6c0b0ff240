"""Pages of internal audits: programme, audits, checklist, findings, report, traceability."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from qms.audits import access, queries, service
from qms.audits.models import (
    AUDIT_STATES,
    AUDIT_TYPES,
    CHECKLIST_RESULTS,
    FINDING_KINDS,
    Audit,
    AuditProgramme,
    ChecklistItem,
    Finding,
    FindingAttachment,
    ProgrammeItem,
    audit_auditees,
    audit_processes,
)
from qms.auth.queries import enabled_users as users_choices
from qms.core.forms import CsrfForm, create_once, form_date, form_int, run, uploaded
from qms.core.submissions import fulfil
from qms.org.queries import active_processes as processes
from qms.org.queries import clauses, regions
from qms.storage.downloads import DownloadEntry, send_stored
from qms.core import permissions as P
from qms.documents import queries as documents
from qms.auth.models import User
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.org.models import IsoClause, Process, Region
from qms.web import Page, acting_user, bounded_int, int_arg, login_required, page_arg, permission_required

bp = Blueprint("audits", __name__, url_prefix="/auditorias")


def _load(audit_code: str) -> Audit:
    audit = db.session.scalar(sa.select(Audit).where(Audit.code == audit_code))
    if audit is None or not access.can_view(current_user, audit):
        abort(404)
    return audit


def _finding(audit: Audit, finding_number: int) -> Finding:
    finding = next((f for f in audit.findings if f.number == finding_number), None)
    if finding is None:
        abort(404)
    return finding


@bp.route("/")
@login_required
def index():
    stmt = sa.select(Audit).order_by(Audit.planned_start.desc(), Audit.code.desc())
    if not access.can_list(current_user):
        stmt = stmt.where(sa.or_(
            Audit.id.in_(sa.select(audit_auditees.c.audit_id).where(audit_auditees.c.user_id == current_user.id)),
            Audit.id.in_(sa.select(audit_processes.c.audit_id).join(Process, Process.id == audit_processes.c.process_id)
                         .where(Process.owner_id == current_user.id))))
    state = request.args.get("state") or ""
    if state in AUDIT_STATES:
        stmt = stmt.where(Audit.state == state)
    page = Page(stmt.options(selectinload(Audit.processes)), page_arg(), per_page=25)
    return render_template("audits/index.html", page=page, states=AUDIT_STATES, state=state)


def _documents():
    return documents.documents_ever_in_force()


@bp.route("/nueva", methods=["GET", "POST"])
@permission_required(P.AUDIT_MANAGE)
def new():
    form = CsrfForm()
    item = db.session.get(ProgrammeItem, int_arg("programa_item") or 0)
    values = request.form if request.method == "POST" else {}
    if form.validate_on_submit() and (previous := create_once()) is not None:
        return previous
    if form.validate_on_submit():
        ids = lambda name: [n for v in request.form.getlist(name) if (n := bounded_int(v, 0)) is not None]  # noqa: E731
        try:
            lead = db.session.get(User, form_int("lead_auditor_id") or 0)
            audit = service.save_audit(
                acting_user(), None, audit_type=request.form.get("audit_type", ""),
                title=request.form.get("title", ""), objective=request.form.get("objective", ""),
                processes=db.session.scalars(sa.select(Process).where(Process.id.in_(ids("processes")))).all(),
                regions=db.session.scalars(sa.select(Region).where(Region.code.in_(request.form.getlist("regions")))).all(),
                clauses=db.session.scalars(sa.select(IsoClause).where(
                    IsoClause.number.in_(request.form.getlist("clauses")))).all(),
                lead_auditor=lead,
                team=db.session.scalars(sa.select(User).where(User.id.in_(ids("team")))).all(),
                auditees=db.session.scalars(sa.select(User).where(User.id.in_(ids("auditees")))).all(),
                planned_start=form_date("planned_start"), planned_end=form_date("planned_end"),
                criteria=documents.documents_by_ids(ids("criteria")),
                programme_item=db.session.get(ProgrammeItem, form_int("programme_item_id") or 0))
            fulfil(url_for("audits.detail", audit_code=audit.code))
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"Auditoría {audit.code} planificada.", "success")
            return redirect(url_for("audits.detail", audit_code=audit.code))
    if item is not None and not values:
        values = {"title": f"Auditoría {item.process.name}", "audit_type": item.audit_type,
                  "processes": [str(item.process_id)], "regions": [item.region_code] if item.region_code else []}
    options = {
        "audit_type": list(AUDIT_TYPES.items()),
        "processes": [(str(p.id), f"{p.code} · {p.name}") for p in processes()],
        "regions": [(r.code, r.name) for r in regions()],
        "clauses": [(c.number, f"{c.number} {c.title}") for c in clauses()],
        "lead_auditor_id": [(str(u.id), u.full_name) for u in users_choices(P.AUDIT_PERFORM)],
        "team": [(str(u.id), u.full_name) for u in users_choices(P.AUDIT_PERFORM)],
        "auditees": [(str(u.id), u.full_name) for u in users_choices()],
        "criteria": [(str(d.id), f"{d.code} · {d.title}") for d in _documents()],
    }
    picked = ({k: request.form.getlist(k) for k in request.form} if request.method == "POST"
              else {k: (v if isinstance(v, list) else [v]) for k, v in values.items()})
    return render_template("audits/new.html", form=form, values=values, item=item, options=options, picked=picked)


@bp.route("/<audit_code>")
@login_required
def detail(audit_code: str):
    audit = _load(audit_code)
    previous = []
    if access.can_perform(current_user, audit) and audit.state in ("planned", "in_progress"):
        ids = [p.id for p in audit.processes]
        previous = db.session.scalars(sa.select(Audit).where(
            Audit.id != audit.id, Audit.id.in_(sa.select(audit_processes.c.audit_id).where(
                audit_processes.c.process_id.in_(ids)))).order_by(Audit.planned_start.desc())).all()
    return render_template(
        "audits/detail.html", audit=audit, form=CsrfForm(), can_perform=access.can_perform(current_user, audit),
        transitions=service.WORKFLOW.available(audit.state), results=CHECKLIST_RESULTS, kinds=FINDING_KINDS,
        clauses=clauses(), bank=service.bank_questions([c.number for c in audit.clauses] or
                                                       [c.number for c in clauses()][:0]),
        previous=previous, people=users_choices(), regions=regions(), team=service.team_label(audit))


def _again(audit_code: str):
    """Render the audit page again after a refused action, with what was typed (``typed`` in the template)."""
    return lambda: detail(audit_code)


@bp.route("/<audit_code>/accion/<transition>", methods=["POST"])
@login_required
def transition(audit_code: str, transition: str):
    audit = _load(audit_code)
    target = url_for("audits.detail", audit_code=audit.code)

    def operation():
        return service.apply_transition(
            acting_user(), audit, transition, actual_start=form_date("actual_start"),
            actual_end=form_date("actual_end"), summary=request.form.get("summary"),
            conclusions=request.form.get("conclusions"))

    return run(operation, lambda a: f"Auditoría {a.code}: {a.state_label}.", target, _again(audit_code))


@bp.route("/<audit_code>/lista", methods=["POST"])
@login_required
def add_item(audit_code: str):
    audit = _load(audit_code)
    def operation():
        return service.add_checklist_item(
            acting_user(), audit, question=request.form.get("question", ""),
            clause=db.session.get(IsoClause, request.form.get("clause_number") or ""),
            criterion_document=documents.document_by_id(form_int("criterion_document_id")),
            process=db.session.get(Process, form_int("process_id") or 0))

    return run(operation, "Pregunta agregada a la lista de verificación.",
               url_for("audits.detail", audit_code=audit.code) + "#lista", _again(audit_code), once=True)


@bp.route("/<audit_code>/lista/<int:item_id>", methods=["POST"])
@login_required
def answer_item(audit_code: str, item_id: int):
    audit = _load(audit_code)
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.audit_id != audit.id:
        abort(404)
    return run(lambda: service.answer_checklist_item(acting_user(), item, result=request.form.get("result", ""),
                                                     evidence=request.form.get("evidence", "")),
               "Resultado registrado.", url_for("audits.detail", audit_code=audit.code) + "#lista", _again(audit_code))


@bp.route("/<audit_code>/lista/copiar", methods=["POST"])
@login_required
def copy_items(audit_code: str):
    audit = _load(audit_code)
    source = db.session.get(Audit, form_int("source_id") or 0)

    def operation():
        if source is None:
            raise ServiceError("Elija la auditoría de origen.")
        return service.copy_checklist(acting_user(), audit, source)

    return run(operation, lambda n: f"Se copiaron {n} preguntas.",
               url_for("audits.detail", audit_code=audit.code) + "#lista", _again(audit_code))


@bp.route("/<audit_code>/hallazgos", methods=["POST"])
@login_required
def add_finding(audit_code: str):
    audit = _load(audit_code)

    def operation():
        finding, action = service.record_finding(
            acting_user(), audit, kind=request.form.get("kind", ""), description=request.form.get("description", ""),
            clause=db.session.get(IsoClause, request.form.get("clause_number") or ""),
            process=db.session.get(Process, form_int("process_id") or 0),
            region_code=request.form.get("region_code") or None, requirement=request.form.get("requirement", ""),
            evidence=request.form.get("evidence", ""),
            checklist_item=db.session.get(ChecklistItem, form_int("checklist_item_id") or 0))
        if action is not None:
            return f"Hallazgo {finding.label} registrado; se abrió la acción correctiva {action.code}."
        if finding.is_nonconformity:
            return (f"Hallazgo {finding.label} registrado. El proceso no tiene responsable: "
                    "abra la acción correctiva indicando quién la asume.")
        return f"Hallazgo {finding.label} registrado."

    return run(operation, lambda message: message, url_for("audits.detail", audit_code=audit.code) + "#hallazgos",
               _again(audit_code), once=True)


@bp.route("/<audit_code>/hallazgos/<int:finding_number>")
@login_required
def finding_detail(audit_code: str, finding_number: int):
    audit = _load(audit_code)
    finding = _finding(audit, finding_number)
    return render_template("audits/finding.html", audit=audit, finding=finding, form=CsrfForm(),
                           can_perform=access.can_perform(current_user, audit), people=users_choices())


@bp.route("/<audit_code>/hallazgos/<int:finding_number>/accion", methods=["POST"])
@login_required
def raise_action(audit_code: str, finding_number: int):
    audit = _load(audit_code)
    finding = _finding(audit, finding_number)
    owner = db.session.get(User, form_int("owner_id") or 0)
    return run(lambda: service.raise_action(acting_user(), finding, owner),
               lambda a: f"Se abrió la acción correctiva {a.code}.",
               url_for("audits.finding_detail", audit_code=audit.code, finding_number=finding.number),
               lambda: finding_detail(audit_code, finding_number))


@bp.route("/<audit_code>/hallazgos/<int:finding_number>/anexos", methods=["POST"])
@login_required
def attach(audit_code: str, finding_number: int):
    audit = _load(audit_code)
    finding = _finding(audit, finding_number)

    def operation():
        data, filename = uploaded()
        return service.attach_to_finding(acting_user(), finding, data, filename)

    return run(operation, "Anexo agregado.",
               url_for("audits.finding_detail", audit_code=audit.code, finding_number=finding.number),
               lambda: finding_detail(audit_code, finding_number))


@bp.route("/<audit_code>/hallazgos/<int:finding_number>/anexos/<int:attachment_id>")
@login_required
def attachment(audit_code: str, finding_number: int, attachment_id: int):
    audit = _load(audit_code)
    finding = _finding(audit, finding_number)
    row = db.session.get(FindingAttachment, attachment_id)
    if row is None or row.finding_id != finding.id:
        abort(404)
    return send_stored(acting_user(), row.sha256, row.filename, DownloadEntry(
        "finding.attachment_downloaded", "finding", finding.id, finding.label, {"attachment": row.id}))


@bp.route("/<audit_code>/informe")
@login_required
def report(audit_code: str):
    audit = _load(audit_code)
    if not audit.report_sha256:
        abort(404)
    return send_stored(acting_user(), audit.report_sha256, f"{audit.code}.docx",
                       DownloadEntry("audit.report_downloaded", "audit", audit.id, audit.code))


# -- programme ---------------------------------------------------------------------------------
@bp.route("/programa", methods=["GET", "POST"])
@login_required
def programmes():
    if not access.can_list(current_user) and not current_user.can(P.DOCUMENT_APPROVE):
        abort(404)
    if request.method == "POST":
        def operation():
            return service.create_programme(acting_user(), year=form_int("year"),
                                            objective=request.form.get("objective", ""))
        try:
            return run(operation, lambda p: f"Programa {p.year} creado.",
                       url_for("audits.programme", year=form_int("year") or 0), _programmes_page, once=True)
        except PermissionDenied:
            abort(403)
    return _programmes_page()


def _programmes_page():
    rows = db.session.scalars(sa.select(AuditProgramme).order_by(AuditProgramme.year.desc())).all()
    return render_template("audits/programmes.html", programmes=rows, form=CsrfForm())


@bp.route("/programa/<int:year>")
@login_required
def programme(year: int):
    if not access.can_list(current_user) and not current_user.can(P.DOCUMENT_APPROVE):
        abort(404)
    return _programme_page(year)


def _programme_page(year: int):
    return render_template("audits/programme.html", programme=_programme(year), form=CsrfForm(), processes=processes(),
                           regions=regions(), types=AUDIT_TYPES,
                           months=["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                   "septiembre", "octubre", "noviembre", "diciembre"])


def _programme(year: int) -> AuditProgramme:
    programme = db.session.scalar(sa.select(AuditProgramme).where(AuditProgramme.year == year))
    if programme is None:
        abort(404)
    return programme


@bp.route("/programa/<int:year>/items", methods=["POST"])
@permission_required(P.AUDIT_MANAGE)
def add_programme_item(year: int):
    programme = _programme(year)
    return run(lambda: service.add_programme_item(
        acting_user(), programme, process=db.session.get(Process, form_int("process_id") or 0),
        region_code=request.form.get("region_code") or None, planned_month=form_int("planned_month"),
        audit_type=request.form.get("audit_type", "internal"), notes=request.form.get("notes", "")),
        "Auditoría agregada al programa.", url_for("audits.programme", year=year), lambda: _programme_page(year),
        once=True)


@bp.route("/programa/<int:year>/items/<int:item_id>/quitar", methods=["POST"])
@permission_required(P.AUDIT_MANAGE)
def remove_programme_item(year: int, item_id: int):
    programme = _programme(year)
    item = db.session.get(ProgrammeItem, item_id)
    if item is None or item.programme_id != programme.id:
        abort(404)
    return run(lambda: service.remove_programme_item(acting_user(), item), "Auditoría quitada del programa.",
               url_for("audits.programme", year=year), lambda: _programme_page(year))


@bp.route("/programa/<int:year>/aprobar", methods=["POST"])
@permission_required(P.DOCUMENT_APPROVE)
def approve_programme(year: int):
    programme = _programme(year)
    return run(lambda: service.approve_programme(acting_user(), programme), f"Programa {year} aprobado.",
               url_for("audits.programme", year=year), lambda: _programme_page(year))


# -- traceability ------------------------------------------------------------------------------
@bp.route("/trazabilidad")
@login_required
def trace_index():
    if not access.can_list(current_user):
        abort(404)
    counts = dict(db.session.execute(sa.select(Finding.clause_number, sa.func.count()).group_by(Finding.clause_number)).all())
    return render_template("audits/trace_index.html", clauses=clauses(), counts=counts)


@bp.route("/trazabilidad/<clause>")
@login_required
def trace_clause(clause: str):
    if not access.can_list(current_user):
        abort(404)
    iso = db.session.get(IsoClause, clause)
    if iso is None:
        abort(404)
    return render_template("audits/trace_clause.html", clause=iso, trace=queries.clause_trace(iso.number))
