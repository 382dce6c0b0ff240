"""Administration of users and roles."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for

from qms.core import permissions as P
from qms.auth import service
from qms.auth.forms import RoleForm, UserForm
from qms.auth.models import Role, User
from qms.extensions import db
from qms.org.models import Unit
from qms.web import acting_user, attempt, get_or_404, options, permission_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _fill_choices(form: UserForm) -> None:
    form.unit_id.choices = options([(0, "— sin unidad —")] + [
        (u.id, u.name) for u in db.session.scalars(sa.select(Unit).order_by(Unit.name))])
    form.roles.choices = options([(r.name, r.label) for r in db.session.scalars(sa.select(Role).order_by(Role.id))])


@bp.route("/usuarios")
@permission_required(P.ADMIN_USERS)
def users():
    rows = db.session.scalars(sa.select(User).order_by(User.is_enabled.desc(), User.full_name)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/usuarios/nuevo", methods=["GET", "POST"])
@permission_required(P.ADMIN_USERS)
def user_new():
    form = UserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        outcome = attempt(lambda: service.create_user(
            acting_user(), username=form.username.data, full_name=form.full_name.data,
            password=form.new_password.data or "", roles=form.roles.data, email=form.email.data,
            position=form.position.data, unit=db.session.get(Unit, form.unit_id.data)), form)
        if outcome.ok:
            flash(f"Usuario {outcome.value.username} creado.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/usuarios/<int:user_id>", methods=["GET", "POST"])
@permission_required(P.ADMIN_USERS)
def user_edit(user_id: int):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user)
    _fill_choices(form)
    if not form.is_submitted():
        form.unit_id.data = user.unit_id or 0
        form.roles.data = user.role_names
    form.username.data = user.username  # a username never changes
    if form.validate_on_submit():
        outcome = attempt(lambda: service.update_user(
            acting_user(), user, full_name=form.full_name.data, email=form.email.data,
            position=form.position.data, unit=db.session.get(Unit, form.unit_id.data),
            roles=form.roles.data, is_enabled=form.is_enabled.data, new_password=form.new_password.data or ""), form)
        if outcome.ok:
            flash("Usuario actualizado.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/roles")
@permission_required(P.ADMIN_USERS)
def roles():
    rows = db.session.scalars(sa.select(Role).order_by(Role.id)).all()
    return render_template("admin/roles.html", roles=rows, labels=P.PERMISSIONS)


@bp.route("/roles/<int:role_id>", methods=["GET", "POST"])
@permission_required(P.ADMIN_USERS)
def role_edit(role_id: int):
    role = get_or_404(Role, role_id)
    form = RoleForm(obj=role)
    form.permissions.choices = options(list(P.PERMISSIONS.items()))
    if not form.is_submitted():
        form.permissions.data = role.permissions
    if form.validate_on_submit():
        if attempt(lambda: service.update_role(acting_user(), role, label=form.label.data,
                                               permissions=form.permissions.data), form).ok:
            flash("Rol actualizado.", "success")
            return redirect(url_for("admin.roles"))
    return render_template("admin/role_form.html", form=form, role=role)
