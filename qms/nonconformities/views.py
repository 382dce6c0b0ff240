"""Pages of nonconforming outputs (PNC): report, list, treatment, re-verification, report."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from qms.auth.queries import enabled_users as users_choices
from qms.core.forms import CsrfForm, create_once, form_date, form_int, run
from qms.core.submissions import fulfil
from qms.org.queries import active_processes as processes
from qms.org.queries import regions
from qms.storage.downloads import DownloadEntry, send_stored
from qms.core import permissions as P
from qms.auth.models import User
from qms.errors import ServiceError
from qms.extensions import db
from qms.nonconformities import access, queries, service
from qms.nonconformities.models import OUTPUT_KINDS, PNC_STATES, TREATMENTS, Nonconformity
from qms.org.models import Process
from qms.web import Page, acting_user, login_required, page_arg, permission_required

bp = Blueprint("nonconformities", __name__, url_prefix="/pnc")


def _load(pnc_code: str) -> Nonconformity:
    pnc = db.session.scalar(sa.select(Nonconformity).where(Nonconformity.code == pnc_code))
    if pnc is None or not access.can_view(current_user, pnc):
        abort(404)
    return pnc


@bp.route("/")
@login_required
def index():
    stmt = queries.visible_query(current_user)
    state = request.args.get("state") or ""
    if state in PNC_STATES:
        stmt = stmt.where(Nonconformity.state == state)
    page = Page(stmt.options(selectinload(Nonconformity.process)), page_arg(), per_page=25)
    return render_template("nonconformities/index.html", page=page, states=PNC_STATES,
                           state=state)


@bp.route("/nuevo", methods=["GET", "POST"])
@permission_required(P.NC_REPORT)
def new():
    form = CsrfForm()
    values = request.form if request.method == "POST" else {}
    if form.validate_on_submit() and (previous := create_once()) is not None:
        return previous
    if form.validate_on_submit():
        try:
            pnc = service.report(
                acting_user(), output_kind=request.form.get("output_kind", ""), product=request.form.get("product", ""),
                process=db.session.get(Process, form_int("process_id") or 0),
                region_code=request.form.get("region_code") or None,
                description=request.form.get("description", ""), detected_on=form_date("detected_on"))
            fulfil(url_for("nonconformities.detail", pnc_code=pnc.code))
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"Se informó el {pnc.output_kind_label.lower()} no conforme {pnc.code}.", "success")
            return redirect(url_for("nonconformities.detail", pnc_code=pnc.code))
    return render_template("nonconformities/new.html", form=form, values=values, kinds=OUTPUT_KINDS,
                           processes=processes(), regions=regions())


@bp.route("/<pnc_code>")
@login_required
def detail(pnc_code: str):
    pnc = _load(pnc_code)
    return render_template("nonconformities/detail.html", pnc=pnc, form=CsrfForm(),
                           can_manage=access.can_manage(current_user), treatments=TREATMENTS, people=users_choices())


def _again(pnc_code: str):
    """Render the PNC page again after a refused action, with what was typed (``typed`` in the template)."""
    return lambda: detail(pnc_code)


@bp.route("/<pnc_code>/tratamiento", methods=["POST"])
@login_required
def treat(pnc_code: str):
    pnc = _load(pnc_code)
    return run(lambda: service.treat(
        acting_user(), pnc, treatment=request.form.get("treatment", ""), disposition=request.form.get("disposition", ""),
        authorised_by=db.session.get(User, form_int("authorised_by_id") or 0), treated_on=form_date("treated_on"),
        password=request.form.get("password", "")),
        lambda p: "Tratamiento registrado y firmado." if p.is_authorisation_signed else
        f"Tratamiento registrado; falta la firma de {p.authorised_by.full_name}.",
        url_for("nonconformities.detail", pnc_code=pnc.code), _again(pnc_code))


@bp.route("/<pnc_code>/firmar-autorizacion", methods=["POST"])
@login_required
def sign_authorisation(pnc_code: str):
    pnc = _load(pnc_code)
    return run(lambda: service.sign_authorisation(acting_user(), pnc, request.form.get("password", "")),
               "Autorización del tratamiento firmada.", url_for("nonconformities.detail", pnc_code=pnc.code),
               _again(pnc_code))


@bp.route("/<pnc_code>/reverificacion", methods=["POST"])
@login_required
def reverify(pnc_code: str):
    pnc = _load(pnc_code)
    return run(lambda: service.reverify(
        acting_user(), pnc, conforming=request.form.get("result") == "conforming", notes=request.form.get("notes", ""),
        on=form_date("on"), closure_notes=request.form.get("closure_notes", "")),
        lambda p: f"{p.code}: {p.state_label}.", url_for("nonconformities.detail", pnc_code=pnc.code),
        _again(pnc_code))


@bp.route("/<pnc_code>/anular", methods=["POST"])
@permission_required(P.NC_MANAGE)
def withdraw(pnc_code: str):
    pnc = _load(pnc_code)
    return run(lambda: service.withdraw(acting_user(), pnc, request.form.get("reason", "")),
               lambda p: f"PNC {p.code} anulado.", url_for("nonconformities.detail", pnc_code=pnc.code),
               _again(pnc_code))


@bp.route("/<pnc_code>/accion", methods=["POST"])
@login_required
def link_action(pnc_code: str):
    pnc = _load(pnc_code)
    return run(lambda: service.link_action(acting_user(), pnc, db.session.get(User, form_int("owner_id") or 0)),
               lambda a: f"Se abrió la acción correctiva {a.code}.",
               url_for("nonconformities.detail", pnc_code=pnc.code), _again(pnc_code))


@bp.route("/<pnc_code>/informe")
@login_required
def report(pnc_code: str):
    pnc = _load(pnc_code)
    if not pnc.report_sha256:
        abort(404)
    return send_stored(acting_user(), pnc.report_sha256, f"{pnc.code}.docx",
                       DownloadEntry("nonconformity.report_downloaded", "nonconformity", pnc.id, pnc.code))
