"""Pages of the PMG programme: the years and their stage, the reference objectives, the
diagnosis, the scope, the three-year plan, the work programme and the compliance report."""
from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, request, send_file, url_for

from qms.auth.models import User
from qms.auth.queries import enabled_users
from qms.core import permissions as P
from qms.core.forms import CsrfForm, form_date, form_int, run, uploaded
from qms.extensions import db
from qms.org.models import Process
from qms.org.queries import active_processes, clauses, regions
from qms.pmg import access, queries, service
from qms.pmg.models import (ACTIVITY_STATES, ASSESSMENT_RATINGS, EVIDENCE_KINDS, LINK_KINDS, OBJECTIVE_STATES, STAGES,
                            PmgActivity, PmgAssessment, PmgObjective, PmgPlanEntry)
from qms.web import acting_user, permission_required

bp = Blueprint("pmg", __name__, url_prefix="/pmg")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _common(**extra) -> dict:
    return {"form": CsrfForm(), "can_manage": access.can_manage(acting_user()),
            "can_approve": access.can_approve(acting_user()), "stages": STAGES, **extra}


def _of_year(model, ident: int, year: int):
    obj = db.session.get(model, ident)
    if obj is None or getattr(obj, "year", None) != year:
        abort(404)
    return obj


@bp.route("/")
@permission_required(P.PMG_VIEW)
def index():
    return render_template("pmg/index.html", **_common(commitments=queries.commitments()))


@bp.route("/compromiso", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def commit():
    year = form_int("year")
    return run(lambda: service.commit(acting_user(), year=year, stage=request.form.get("stage"),
                                      notes=request.form.get("notes", "")),
               lambda c: f"Compromiso {c.year}: {c.stage_label}.",
               url_for("pmg.stage", year=year) if year else url_for("pmg.index"), index)


@bp.route("/<int:year>")
@permission_required(P.PMG_VIEW)
def stage(year: int):
    view = queries.stage_view(year)
    return render_template("pmg/stage.html", **_common(year=year, view=view, states=OBJECTIVE_STATES,
                                                       kinds=EVIDENCE_KINDS, gaps=queries.perspective_gaps(year)))


@bp.route("/<int:year>/objetivos/<int:objective_id>/evidencia", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def upload(year: int, objective_id: int):
    objective = _of_year(PmgObjective, objective_id, year)

    def operation():
        data, filename = uploaded()
        return service.upload_evidence(acting_user(), objective, kind=request.form.get("kind", ""),
                                       title=request.form.get("title", ""), record_date=form_date("record_date"),
                                       data=data, filename=filename)

    return run(operation, "Medio de verificación cargado.", url_for("pmg.stage", year=year), lambda: stage(year))


@bp.route("/<int:year>/referencia")
@permission_required(P.PMG_VIEW)
def reference(year: int):
    return render_template("pmg/reference.html", **_common(year=year, objectives=queries.objectives(year),
                                                           kinds=EVIDENCE_KINDS))


@bp.route("/<int:year>/referencia/nuevo", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def add_objective(year: int):
    return run(lambda: service.add_objective(acting_user(), year=year, stage=request.form.get("stage"),
                                             number=request.form.get("number"), title=request.form.get("title", ""),
                                             requirements=request.form.get("requirements", ""),
                                             evidence_kinds=request.form.getlist("evidence_kinds")),
               lambda o: f"Objetivo {o.code} agregado.", url_for("pmg.reference", year=year),
               lambda: reference(year))


@bp.route("/<int:year>/referencia/<int:objective_id>", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def save_objective(year: int, objective_id: int):
    objective = _of_year(PmgObjective, objective_id, year)
    return run(lambda: service.save_objective(acting_user(), objective, title=request.form.get("title", ""),
                                              requirements=request.form.get("requirements", ""),
                                              evidence_kinds=request.form.getlist("evidence_kinds")),
               lambda o: f"Objetivo {o.code} guardado (revisión {o.revision}).",
               url_for("pmg.reference", year=year), lambda: reference(year))


@bp.route("/<int:year>/diagnostico")
@permission_required(P.PMG_VIEW)
def diagnosis(year: int):
    return render_template("pmg/diagnosis.html", **_common(
        year=year, lines=queries.assessments(year), processes=active_processes(), clauses=clauses(),
        ratings=ASSESSMENT_RATINGS, people=enabled_users(), gaps=queries.perspective_gaps(year)))


@bp.route("/<int:year>/diagnostico/evaluar", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def assess(year: int):
    return run(lambda: service.assess(
        acting_user(), year=year, process=db.session.get(Process, form_int("process_id") or 0),
        clause_number=request.form.get("clause_number", ""), rating=request.form.get("rating", ""),
        evidence=request.form.get("evidence", ""), gap=request.form.get("gap", "")),
        lambda a: f"Cláusula {a.clause_number} de {a.process.code}: {a.rating_label}.",
        url_for("pmg.diagnosis", year=year), lambda: diagnosis(year))


@bp.route("/<int:year>/diagnostico/<int:assessment_id>/actividad", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def gap_activity(year: int, assessment_id: int):
    line = _of_year(PmgAssessment, assessment_id, year)
    return run(lambda: service.add_gap_activity(
        acting_user(), line, responsible=db.session.get(User, form_int("responsible_id") or 0),
        starts_on=form_date("starts_on"), ends_on=form_date("ends_on")),
        lambda a: f"Brecha llevada al programa de trabajo como actividad {a.number}.",
        url_for("pmg.diagnosis", year=year), lambda: diagnosis(year))


def _scope_page(year: int):
    current = {s.process_id: s for s in queries.scope(year)}
    return render_template("pmg/scope.html", **_common(year=year, processes=active_processes(), current=current,
                                                       regions=regions()))


@bp.route("/<int:year>/alcance", methods=["GET", "POST"])
@permission_required(P.PMG_VIEW)
def scope(year: int):
    if request.method == "GET":
        return _scope_page(year)
    if not access.can_manage(acting_user()):
        abort(403)
    entries = [(p, request.form.get(f"in_{p.id}") == "1", request.form.get(f"reason_{p.id}", ""),
                request.form.getlist(f"regions_{p.id}"))
               for p in active_processes() if request.form.get(f"listed_{p.id}") == "1"]
    return run(lambda: service.set_scope(acting_user(), year=year, entries=entries),
               f"Alcance {year} guardado.", url_for("pmg.scope", year=year), lambda: _scope_page(year))


@bp.route("/<int:year>/plan")
@permission_required(P.PMG_VIEW)
def plan(year: int):
    return render_template("pmg/plan.html", **_common(year=year, lines=queries.plan(year),
                                                      processes=active_processes(), regions=regions()))


@bp.route("/<int:year>/plan/agregar", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def add_plan_line(year: int):
    return run(lambda: service.add_plan_line(
        acting_user(), year=form_int("line_year"), process=db.session.get(Process, form_int("process_id") or 0),
        region_code=request.form.get("region_code", ""), notes=request.form.get("notes", "")),
        "Línea agregada al plan trienal.", url_for("pmg.plan", year=year), lambda: plan(year))


@bp.route("/<int:year>/plan/<int:line_id>/quitar", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def remove_plan_line(year: int, line_id: int):
    line = db.session.get(PmgPlanEntry, line_id) or abort(404)
    return run(lambda: service.remove_plan_line(acting_user(), line), "Línea quitada del plan trienal.",
               url_for("pmg.plan", year=year))


def _programme_page(year: int):
    from qms.actions import queries as actions
    from qms.audits import queries as audits
    from qms.documents import queries as documents
    from qms.reviews import queries as reviews

    programme = queries.programme(year)
    rows = queries.activity_rows(programme)
    choices = {"document": [(d.id, f"{d.code} · {d.title}") for d in documents.all_documents()],
               "audit": audits.audit_choices(), "action": actions.action_choices(),
               "review": reviews.review_choices()}
    return render_template("pmg/programme.html", **_common(
        year=year, programme=programme, bars=queries.timeline(rows, year), people=enabled_users(),
        activity_states=ACTIVITY_STATES, link_kinds=LINK_KINDS, choices=choices,
        objectives=queries.objectives(year)))


@bp.route("/<int:year>/programa")
@permission_required(P.PMG_VIEW)
def programme(year: int):
    return _programme_page(year)


def _activity_fields() -> dict:
    kind = request.form.get("link_kind", "")
    objective_id = form_int("objective_id")
    return {"title": request.form.get("title", ""), "responsible": db.session.get(User, form_int("responsible_id") or 0),
            "starts_on": form_date("starts_on"), "ends_on": form_date("ends_on"),
            "state": request.form.get("state", "pending"), "progress": form_int("progress") or 0,
            "link_kind": kind, "link_id": form_int(f"link_{kind}") if kind else None,
            "objective": db.session.get(PmgObjective, objective_id) if objective_id else None}


@bp.route("/<int:year>/programa/actividades", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def add_activity(year: int):
    def operation():
        fields = _activity_fields()
        return service.save_activity(acting_user(), service.open_programme(acting_user(), year), **fields)

    return run(operation, lambda a: f"Actividad {a.number} agregada.", url_for("pmg.programme", year=year),
               lambda: _programme_page(year))


@bp.route("/<int:year>/programa/actividades/<int:activity_id>", methods=["POST"])
@permission_required(P.PMG_MANAGE)
def edit_activity(year: int, activity_id: int):
    activity = db.session.get(PmgActivity, activity_id)
    if activity is None or activity.programme.year != year:
        abort(404)
    return run(lambda: service.save_activity(acting_user(), activity.programme, activity, **_activity_fields()),
               lambda a: f"Actividad {a.number} guardada.", url_for("pmg.programme", year=year),
               lambda: _programme_page(year))


@bp.route("/<int:year>/programa/aprobar", methods=["POST"])
@permission_required(P.PMG_APPROVE)
def approve(year: int):
    programme_ = queries.programme(year) or abort(404)
    return run(lambda: service.approve_programme(acting_user(), programme_, request.form.get("password", "")),
               f"Programa de trabajo {year} aprobado.", url_for("pmg.programme", year=year),
               lambda: _programme_page(year))


def _report_view(year: int) -> dict:
    view = queries.stage_view(year)
    if view["commitment"] is None:
        abort(404)
    return view


@bp.route("/<int:year>/informe.docx")
@permission_required(P.PMG_VIEW)
def report_docx(year: int):
    from qms.docgen.service import render_report
    from qms.pmg.reports import report_context

    data = render_report("cumplimiento_pmg.docx", report_context(_report_view(year), queries.perspective_gaps(year),
                                                                queries.programme(year)))
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"cumplimiento-pmg-{year}.docx")


@bp.route("/<int:year>/diagnostico.docx")
@permission_required(P.PMG_VIEW)
def diagnosis_docx(year: int):
    from qms.docgen.service import render_report
    from qms.pmg.reports import diagnosis_context

    context = diagnosis_context(year, queries.assessments(year), queries.perspective_gaps(year),
                                queries.commitment(year))
    return send_file(io.BytesIO(render_report("diagnostico_pmg.docx", context)), mimetype=DOCX, as_attachment=True,
                     download_name=f"diagnostico-pmg-{year}.docx")


@bp.route("/<int:year>/informe.xlsx")
@permission_required(P.PMG_VIEW)
def report_xlsx(year: int):
    from qms.exports import xlsx_file
    from qms.pmg.reports import XLSX_HEADERS, xlsx_rows

    output = xlsx_file(f"PMG {year}", XLSX_HEADERS, xlsx_rows(_report_view(year)),
                       widths=(16, 9, 40, 12, 30, 50, 20, 50, 50))
    return send_file(output, mimetype=XLSX, as_attachment=True, download_name=f"cumplimiento-pmg-{year}.xlsx")
