"""Processes of the institution."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for

from qms.core import permissions as P
from qms.auth.models import User
from qms.extensions import db
from qms.org import service
from qms.org.forms import ProcessForm
from qms.org.models import PmgSystem, Process, Unit
from qms.web import acting_user, attempt, get_or_404, login_required, options, permission_required

bp = Blueprint("org", __name__, url_prefix="/procesos")


def _fill_choices(form: ProcessForm) -> None:
    form.owner_id.choices = options([(0, "— sin asignar —")] + [
        (u.id, u.full_name) for u in db.session.scalars(sa.select(User).where(User.is_enabled).order_by(User.full_name))])
    form.unit_id.choices = options([(0, "— sin unidad —")] + [
        (u.id, u.name) for u in db.session.scalars(sa.select(Unit).order_by(Unit.name))])
    form.pmg_system_code.choices = options([("", "— ninguno —")] + [
        (s.code, f"{s.code} · {s.name}") for s in db.session.scalars(sa.select(PmgSystem).order_by(PmgSystem.code))])


def _data(form: ProcessForm) -> dict:
    return {
        "code": form.code.data, "name": form.name.data, "kind": form.kind.data,
        "owner_id": form.owner_id.data or None, "unit_id": form.unit_id.data or None,
        "pmg_system_code": form.pmg_system_code.data or None, "description": form.description.data or "",
        "has_gender_focus": form.has_gender_focus.data, "has_territorial_focus": form.has_territorial_focus.data,
        "is_active": form.is_active.data,
    }


@bp.route("/")
@login_required
def index():
    rows = db.session.scalars(sa.select(Process).order_by(Process.is_active.desc(), Process.kind, Process.code)).all()
    return render_template("org/processes.html", processes=rows)


@bp.route("/nuevo", methods=["GET", "POST"])
@permission_required(P.PROCESS_MANAGE)
def new():
    return _edit(None)


@bp.route("/<int:process_id>", methods=["GET", "POST"])
@permission_required(P.PROCESS_MANAGE)
def edit(process_id: int):
    return _edit(get_or_404(Process, process_id))


def _edit(process: Process | None):
    form = ProcessForm(obj=process)
    _fill_choices(form)
    if process is not None:
        form.code.data = process.code  # the code is part of document codes: it never changes
        if not form.is_submitted():
            form.owner_id.data = process.owner_id or 0
            form.unit_id.data = process.unit_id or 0
            form.pmg_system_code.data = process.pmg_system_code or ""
    if form.validate_on_submit():
        outcome = attempt(lambda: service.save_process(acting_user(), process, **_data(form)), form)
        if outcome.ok:
            flash(f"Proceso {outcome.value.code} guardado.", "success")
            return redirect(url_for("org.index"))
    return render_template("org/process_form.html", form=form, process=process)


@bp.route("/institucion", methods=["GET", "POST"])
@permission_required(P.ADMIN_SETTINGS)
def institution():
    from qms.org.forms import InstitutionForm
    from qms.org.models import Institution, Region

    current = db.session.get(Institution, 1)
    form = InstitutionForm(obj=current)
    form.default_region_code.choices = options([("", "— ninguna —")] + [
        (r.code, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.position))])
    if not form.is_submitted():
        form.default_region_code.data = current.default_region_code or ""
    if form.validate_on_submit():
        upload = form.logo.data
        outcome = attempt(lambda: service.update_institution(
            acting_user(), name=form.name.data, short_name=form.short_name.data,
            default_region_code=form.default_region_code.data or None,
            logo=upload.read(service.MAX_LOGO_BYTES + 1) if upload else None, remove_logo=form.remove_logo.data), form)
        if outcome.ok:
            flash("Datos de la institución guardados.", "success")
            return redirect(url_for("org.institution"))
    return render_template("org/institution.html", form=form, institution=current)


@bp.route("/institucion/logo")
@login_required
def logo():
    from flask import Response, abort

    from qms.org.models import Institution
    from qms.storage import store

    current = db.session.get(Institution, 1)
    if current is None or not current.logo_sha256:
        abort(404)
    data = store.read(current.logo_sha256)
    return Response(data, mimetype=service.image_type(data) or "application/octet-stream",
                    headers={"Cache-Control": "private, max-age=300"})
