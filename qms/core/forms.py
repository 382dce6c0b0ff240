"""Form helpers for blueprints whose row actions read fields from ``request.form``."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, request
from flask_wtf import FlaskForm

from qms.errors import ServiceError
from qms.timeutil import parse_date
from qms.web import attempt, bounded_int


class CsrfForm(FlaskForm):
    """A form with only the CSRF token: row actions whose fields are read from ``request.form``."""


def form_date(name: str) -> date | None:
    """Read a date field (``aaaa-mm-dd`` from <input type=date>, or ``dd-mm-aaaa``); None if empty."""
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise ServiceError(f"La fecha «{value}» no es válida; use dd-mm-aaaa.", field=name) from None


def form_int(name: str) -> int | None:
    """Read an integer field; None when it is empty, not a number or too large to store."""
    return bounded_int(request.form.get(name))


def uploaded() -> tuple[bytes, str]:
    """Return (bytes, filename) of the ``file`` field, within the upload limit.

    The client's declared type is not returned: the service judges the content
    (``qms.storage.uploads.check``).
    """
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ServiceError("Elija un archivo.", field="file")
    limit = int(current_app.config.get("MAX_UPLOAD_MB", 20)) * 1024 * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError("El archivo supera el tamaño máximo permitido.", field="file")
    return data, upload.filename


def run(operation, success, target: str):
    """POST handler body: validate CSRF, run the service through ``qms.web.attempt``, flash, redirect."""
    form = CsrfForm()
    if not form.validate_on_submit():
        flash("El formulario expiró o no es válido; inténtelo de nuevo.", "danger")
        return redirect(target)
    outcome = attempt(operation)
    if outcome.ok:
        flash(success(outcome.value) if callable(success) else success, "success")
    return redirect(target)
