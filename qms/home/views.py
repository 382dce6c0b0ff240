"""Home page and the inbox (Mis pendientes)."""
from __future__ import annotations

import importlib

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from qms.documents import queries
from qms.web import login_required, public

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(url_for("home.inbox"))
    return redirect(url_for("auth.login"))


#: Modules whose ``queries.inbox(user)`` adds sections to the inbox.
INBOX_PROVIDERS = ("qms.actions.queries", "qms.nonconformities.queries", "qms.audits.queries", "qms.records.queries")


def module_sections(user) -> list[dict]:
    """Return the inbox sections every module contributes for ``user``."""
    sections = []
    for name in INBOX_PROVIDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        sections.extend(module.inbox(user))
    return sections


@bp.route("/pendientes")
@login_required
def inbox():
    return render_template("home/inbox.html", documents=queries.inbox(current_user),
                           sections=module_sections(current_user))


@bp.route("/salud")
@public
def health():
    """Liveness probe for the process manager: no database access."""
    return {"status": "ok"}
