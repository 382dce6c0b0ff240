"""Home page and the inbox (Mis pendientes)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from qms.actions import queries as action_queries
from qms.audits import queries as audit_queries
from qms.documents import queries
from qms.indicators import queries as indicator_queries
from qms.reviews import queries as review_queries
from qms.pmg import queries as pmg_queries
from qms.nonconformities import queries as pnc_queries
from qms.records import queries as record_queries
from qms.extensions import db
from qms.search.service import health_report
from qms.web import login_required, page_arg, public

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(url_for("home.inbox"))
    return redirect(url_for("auth.login"))


#: Modules whose ``queries.inbox(user)`` adds sections to the inbox, in page order.
INBOX_PROVIDERS = (action_queries, pnc_queries, audit_queries, indicator_queries, review_queries, pmg_queries, record_queries)
#: The quality work of "Mis pendientes de mejora": CAPA, PNC and audits.
QUALITY_WORK = (action_queries, pnc_queries, audit_queries, indicator_queries)


def module_sections(user, providers=INBOX_PROVIDERS) -> list[dict]:
    """Return the inbox sections the ``providers`` contribute for ``user``."""
    return [section for module in providers for section in module.inbox(user)]


@bp.route("/pendientes")
@login_required
def inbox():
    return render_template("home/inbox.html", documents=queries.inbox(current_user), titles=queries.INBOX_SECTIONS,
                           sections=module_sections(current_user))


@bp.route("/pendientes/documentos")
@login_required
def inbox_documents():
    """Every item of one document section of the inbox, a page at a time ("ver todos")."""
    key = request.args.get("seccion", "")
    stmt = queries.section_query(current_user, key) if key in queries.INBOX_SECTIONS else None
    if stmt is None:
        abort(404)
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("home/inbox_documents.html", title=queries.INBOX_SECTIONS[key], key=key, page=page)


@bp.route("/acciones/mis-pendientes")
@login_required
def my_work():
    """The user's CAPA, PNC and audit work (the same sections the inbox shows, alone)."""
    return render_template("home/my_work.html", sections=module_sections(current_user, QUALITY_WORK))


@bp.route("/salud")
@public
def health():
    """Liveness probe for the process manager: no database access.

    Also the state of the search index (from its files): the site is up even when the
    index is not, and searches then answer from the database with a notice.
    """
    return {"status": "ok", "search": health_report()}
