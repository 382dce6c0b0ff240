"""Form helpers for blueprints whose row actions read fields from ``request.form``."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request
from flask_wtf import FlaskForm

from qms.core import submissions
from qms.errors import ServiceError
from qms.timeutil import parse_date
from qms.web import acting_user, attempt, bounded_int


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
    megabytes = int(current_app.config.get("MAX_UPLOAD_MB", 20))
    limit = megabytes * 1024 * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(f"El archivo supera el tamaño máximo de {megabytes} MB; elija uno más pequeño.",
                           field="file")
    return data, upload.filename


class Typed:
    """What the user typed into the form posted to ``action``, to show it again after a refusal.

    A page holds several forms with the same field names (the evidence of each checklist
    item, of a finding…); only the form whose action is the path just posted to gets the
    typed values back, every other one shows its stored values.
    """

    def __init__(self, action: str):
        posted = request.method == "POST" and urlsplit(action).path == request.path
        self._form = request.form if posted else None

    def __bool__(self) -> bool:
        return self._form is not None

    def get(self, name: str, default=""):
        """The typed value of ``name``, else ``default`` (the stored value); None shows as empty."""
        if self._form is not None and name in self._form:
            return self._form.get(name)
        return "" if default is None else default

    def getlist(self, name: str, default=()) -> list[str]:
        """The typed values of a multiple field, else ``default``, as strings."""
        if self._form is not None:
            return self._form.getlist(name)
        return [str(v) for v in default]

    def selected(self, name: str, value, default=None) -> str:
        """``"selected"`` when ``value`` is the typed choice (else the stored ``default``)."""
        chosen = self.getlist(name, [] if default is None else [default])
        return "selected" if str(value) in chosen else ""

    def checked(self, name: str, value, default=None) -> str:
        """``"checked"`` for the typed radio or checkbox ``value`` (else the stored ``default``)."""
        return "checked" if self.selected(name, value, default) else ""


def create_once():
    """Claim the create form's one-time token; the redirect to the first result when it was sent already."""
    previous = submissions.claim(acting_user())
    if previous is None:
        return None
    flash(submissions.ALREADY_SENT, "info")
    return redirect(previous or request.path)


def run(operation, success, target: str, redisplay=None, once: bool = False):
    """POST handler body: validate CSRF, run the service through ``qms.web.attempt``, flash, redirect.

    After a refusal, ``redisplay`` (when given) renders the page again in this request, so
    the message sits next to what was typed (:class:`Typed`); without it the browser is sent
    back to ``target``.
    ``once`` marks a create form: its one-time token makes a second submit show the
    first result (``qms.core.submissions``) instead of creating a duplicate.
    """
    form = CsrfForm()
    if not form.validate_on_submit():
        flash("El formulario expiró o no es válido; inténtelo de nuevo.", "danger")
        return (redisplay(), 400) if redisplay is not None else redirect(target)
    if once and (previous := create_once()) is not None:
        return previous
    outcome = attempt(_fulfilled(operation, target) if once else operation)
    if outcome.ok:
        flash(success(outcome.value) if callable(success) else success, "success")
        return redirect(target)
    return (redisplay(), outcome.status) if redisplay is not None else redirect(target)


def _fulfilled(operation, target: str):
    def operation_then_fulfil():
        value = operation()
        submissions.fulfil(target)
        return value

    return operation_then_fulfil
