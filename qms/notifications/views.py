"""The notification centre, preferences, the calendar feed and the admin's outbox page."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from qms.core import permissions as P
from qms.core.forms import CsrfForm
from qms.core.jobs import last_runs
from qms.notifications import calendar_feed, outbox, service
from qms.notifications.models import CHANNELS
from qms.web import Page, acting_user, attempt, is_safe_redirect, login_required, page_arg, permission_required, public

log = logging.getLogger(__name__)
bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications():
    """The count in the navigation bar: one small query, only for a signed-in person."""
    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return service.unread_count(current_user)
        except SQLAlchemyError:  # an error page about the database still renders
            log.warning("unread notifications not counted", exc_info=True)
            return 0
    return {"unread_notifications": count}


@bp.route("/notificaciones")
@login_required
def centre():
    page = Page(service.listing(acting_user()), page_arg(), per_page=30)
    return render_template("notifications/centre.html", page=page, form=CsrfForm())


@bp.route("/notificaciones/<int:notification_id>/leida", methods=["POST"])
@login_required
def mark_read(notification_id):
    # CSRF is checked for every POST by the app's CSRFProtect.
    outcome = attempt(lambda: service.mark_read(acting_user(), notification_id))
    if outcome.ok and request.form.get("open") and is_safe_redirect(outcome.value.link):
        return redirect(outcome.value.link)
    return redirect(url_for("notifications.centre"))


@bp.route("/notificaciones/leer-todas", methods=["POST"])
@login_required
def mark_all_read():
    outcome = attempt(lambda: service.mark_all_read(acting_user()))
    if outcome.ok:
        flash(f"{outcome.value} aviso(s) marcados como leídos.", "success")
    return redirect(url_for("notifications.centre"))


@bp.route("/notificaciones/preferencias", methods=["GET", "POST"])
@login_required
def preferences():
    form = CsrfForm()
    user = acting_user()
    if form.validate_on_submit():
        choices = {key[len("kind-"):]: value for key, value in request.form.items() if key.startswith("kind-")}
        outcome = attempt(lambda: service.set_preferences(user, choices))
        if outcome.ok:
            flash("Preferencias guardadas.", "success")
            return redirect(url_for("notifications.preferences"))
        rows = [dict(row, channel=choices.get(row["code"], row["channel"])) for row in service.preferences(user)]
    else:
        rows = service.preferences(user)
    return render_template("notifications/preferences.html", form=form, rows=rows, channels=CHANNELS,
                           has_email=bool((user.email or "").strip()))


@bp.route("/notificaciones/calendario", methods=["GET", "POST"])
@login_required
def calendar():
    form = CsrfForm()
    user, new_url = acting_user(), None
    if form.validate_on_submit():
        if request.form.get("revoke"):
            if attempt(lambda: calendar_feed.revoke(user)).ok:
                flash("La dirección del calendario quedó revocada.", "success")
            return redirect(url_for("notifications.calendar"))
        outcome = attempt(lambda: calendar_feed.issue(user))
        if outcome.ok:
            new_url = url_for("notifications.feed", token=outcome.value, _external=True)
    return render_template("notifications/calendar.html", form=form, new_url=new_url,
                           token=calendar_feed.has_token(user))


@bp.route("/calendario/<token>.ics")
@public
def feed(token):
    user = calendar_feed.user_for(token)
    if user is None:
        abort(404)
    return Response(calendar_feed.feed(user), mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="qms.ics"'})


@bp.route("/admin/correo", methods=["GET", "POST"])
@permission_required(P.ADMIN_SETTINGS)
def mail_admin():
    form = CsrfForm()
    if form.validate_on_submit():
        ident = request.form.get("retry", type=int)
        outcome = attempt(lambda: outbox.retry(acting_user(), ident) if ident else None)
        if outcome.ok and outcome.value is not None:
            flash("El mensaje volvió a la cola; saldrá en la próxima ejecución de los trabajos.", "success")
        return redirect(url_for("notifications.mail_admin"))
    page = Page(outbox.problems(), page_arg(), per_page=50)
    return render_template("notifications/mail_admin.html", page=page, form=form, runs=last_runs(),
                           smtp_host=current_app.config.get("SMTP_HOST", ""))
