"""View helpers shared by the audits, actions and nonconformities blueprints."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, request, send_file
from flask_wtf import FlaskForm
import io

from qms.errors import ServiceError
from qms.extensions import db
from qms.web import attempt


class CsrfForm(FlaskForm):
    """A form with only the CSRF token: row actions whose fields are read from ``request.form``."""


def form_date(name: str) -> date | None:
    """Read a date field (``aaaa-mm-dd`` from <input type=date>, or ``dd-mm-aaaa``); None if empty."""
    from qms.timeutil import parse_date

    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise ServiceError(f"La fecha «{value}» no es válida; use dd-mm-aaaa.", field=name) from None


def form_int(name: str) -> int | None:
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        return None




def users_choices(permission: str | None = None) -> list:
    from qms.auth.models import User

    users = db.session.scalars(sa.select(User).where(User.is_enabled).order_by(User.full_name)).all()
    return [u for u in users if permission is None or u.can(permission)]


def processes() -> list:
    from qms.org.models import Process

    return db.session.scalars(sa.select(Process).where(Process.is_active).order_by(Process.code)).all()


def regions() -> list:
    from qms.org.models import Region

    return db.session.scalars(sa.select(Region).order_by(Region.position)).all()


def clauses() -> list:
    from qms.org.models import IsoClause

    return db.session.scalars(sa.select(IsoClause).order_by(IsoClause.position)).all()


def run(operation, success: str, target: str):
    """POST handler body: validate CSRF, run the service through ``qms.web.attempt``, flash, redirect."""
    form = CsrfForm()
    if not form.validate_on_submit():
        flash("El formulario expiró o no es válido; inténtelo de nuevo.", "danger")
        return redirect(target)
    outcome = attempt(operation)
    if outcome.ok:
        flash(success(outcome.value) if callable(success) else success, "success")
    return redirect(target)


def send_stored(sha256: str, filename: str, content_type: str):
    from qms.storage import store

    try:
        data = store.read(sha256)
    except store.StorageError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=filename)


def uploaded():
    """Return (bytes, filename, content_type) of the ``file`` field, within the upload limit."""
    from flask import current_app

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ServiceError("Elija un archivo.", field="file")
    limit = int(current_app.config.get("MAX_UPLOAD_MB", 20)) * 1024 * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError("El archivo supera el tamaño máximo permitido.", field="file")
    return data, upload.filename, upload.mimetype or "application/octet-stream"
