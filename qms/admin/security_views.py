"""The committee's page of security events: failed logins and signatures, lockouts,
refused pages and forms, password and role changes (the trail's ``security.`` entries).

Its own blueprint, beside the trail's pages: the same entries are in the trail, this
page only filters them and names them in Spanish.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request

from qms.auth import queries
from qms.auth import security_events as events
from qms.core import permissions as P
from qms.web import Page, page_arg, permission_required

bp = Blueprint("security", __name__, url_prefix="/admin/seguridad")


@bp.route("/")
@permission_required(P.TRAIL_VIEW)
def events_list():
    filters = {
        "action": request.args.get("action", "") if request.args.get("action") in events.LABELS else "",
        "username": (request.args.get("username") or "").strip().lower()[:60],
    }
    page = Page(queries.security_events(**filters), page_arg(), per_page=50)
    return render_template("admin/security_events.html", page=page, filters=filters, labels=events.LABELS)
