"""Sign in, sign out, change password, keep the session alive while typing."""
from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from qms.auth import service
from qms.auth.forms import LoginForm, PasswordChangeForm
from qms.errors import ServiceError
from qms.extensions import db
from qms.web import login_required, public, redirect_target

bp = Blueprint("auth", __name__)


@bp.route("/ingresar", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(redirect_target())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except ServiceError as error:
            # The failure was counted and chained apart (qms.core.durable): nothing to keep here.
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            session.clear()
            login_user(user)  # never remember=True: the session cookie is the only one
            session["last_seen"] = time.time()
            session.permanent = True  # expires with the idle timeout (PERMANENT_SESSION_LIFETIME)
            return redirect(redirect_target())
    return render_template("auth/login.html", form=form)


@bp.route("/salir", methods=["POST"])
@login_required
def logout():
    service.logout(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("Sesión cerrada.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/cuenta/contrasena", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            service.change_password(user, form.current_password.data, form.new_password.data)
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "new_password").errors.append(error.message)
        else:
            db.session.commit()
            # The token changed: every other session ends; this one continues with the new one.
            login_user(user)
            flash("Contraseña cambiada. Sus otras sesiones se cerraron.", "success")
            return redirect(url_for("home.inbox"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/sesion/activa", methods=["POST"])
@login_required
def keep_alive():
    """Called by the editor while the user types, so drafting is not idle time."""
    return {"ok": True}
