"""Pages of management reviews: plan, the input pack with the committee's analysis, hold,
decisions, approval and the acta."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from qms.auth.models import User
from qms.auth.queries import enabled_users
from qms.core import permissions as P
from qms.core.forms import CsrfForm, form_date, form_int, run
from qms.extensions import db
from qms.reviews import access, queries, service
from qms.reviews.models import DECISION_KINDS, ManagementReview
from qms.reviews.pack import INPUTS
from qms.storage.downloads import DownloadEntry, send_stored
from qms.web import acting_user, bounded_int, login_required, permission_required

bp = Blueprint("reviews", __name__, url_prefix="/revisiones")


def _load(review_code: str) -> ManagementReview:
    review = db.session.scalar(sa.select(ManagementReview).where(ManagementReview.code == review_code))
    if review is None or not access.can_view(current_user, review):
        abort(404)
    return review


@bp.route("/")
@login_required
def index():
    return render_template("reviews/index.html", reviews=queries.visible(current_user),
                           can_manage=access.can_manage(current_user))


def _new_page():
    return render_template("reviews/new.html", form=CsrfForm(), people=enabled_users())


@bp.route("/nueva", methods=["GET", "POST"])
@permission_required(P.REVIEW_MANAGE)
def new():
    if request.method == "GET":
        return _new_page()
    people = [db.session.get(User, i) for i in (form_int_list("participants"))]
    return run(lambda: service.plan(acting_user(), period_start=form_date("period_start"),
                                    period_end=form_date("period_end"), planned_on=form_date("planned_on"),
                                    agenda=request.form.get("agenda", ""), participants=people),
               lambda r: f"Revisión {r.code} planificada.", url_for("reviews.index"), _new_page, once=True)


def form_int_list(name: str) -> list[int]:
    """The ids checked in a multiple field (unreadable ones ignored)."""
    return [n for n in (bounded_int(v, 1) for v in request.form.getlist(name)) if n is not None]


def _detail_page(review: ManagementReview):
    return render_template("reviews/detail.html", review=review, pack=service.pack_for(review), inputs=INPUTS,
                           form=CsrfForm(), people=enabled_users(), kinds=DECISION_KINDS,
                           can_manage=access.can_manage(current_user), can_approve=access.can_approve(current_user))


@bp.route("/<review_code>")
@login_required
def detail(review_code: str):
    return _detail_page(_load(review_code))


def _back(review: ManagementReview) -> str:
    return url_for("reviews.detail", review_code=review.code)


@bp.route("/<review_code>/analisis", methods=["POST"])
@permission_required(P.REVIEW_MANAGE)
def analysis(review_code: str):
    review = _load(review_code)
    typed = {key: request.form.get(f"analysis_{key}", "") for key in INPUTS if f"analysis_{key}" in request.form}
    return run(lambda: service.save_analysis(acting_user(), review, typed), "Análisis guardado.", _back(review),
               lambda: _detail_page(review))


@bp.route("/<review_code>/realizar", methods=["POST"])
@permission_required(P.REVIEW_MANAGE)
def hold(review_code: str):
    review = _load(review_code)
    return run(lambda: service.hold(acting_user(), review, held_on=form_date("held_on"),
                                    attended_ids=form_int_list("attended")),
               "Revisión registrada como realizada: sus entradas quedaron congeladas.", _back(review),
               lambda: _detail_page(review))


@bp.route("/<review_code>/decision", methods=["POST"])
@permission_required(P.REVIEW_MANAGE)
def decision(review_code: str):
    review = _load(review_code)
    return run(lambda: service.add_decision(
        acting_user(), review, kind=request.form.get("kind", ""), description=request.form.get("description", ""),
        owner=db.session.get(User, form_int("owner_id") or 0), due_date=form_date("due_date"),
        raise_action=request.form.get("raise_action") == "1"),
        lambda d: f"Decisión D{d.number} registrada" + (f"; se abrió la acción {d.action.code}." if d.action_id
                                                        else "."),
        _back(review), lambda: _detail_page(review))


@bp.route("/<review_code>/aprobar", methods=["POST"])
@permission_required(P.REVIEW_APPROVE)
def approve(review_code: str):
    review = _load(review_code)
    return run(lambda: service.approve(acting_user(), review, request.form.get("password", "")),
               "Acta aprobada y firmada; quedó registrada.", _back(review), lambda: _detail_page(review))


@bp.route("/<review_code>/acta")
@login_required
def acta(review_code: str):
    review = _load(review_code)
    if not review.acta_sha256:
        abort(404)
    return send_stored(acting_user(), review.acta_sha256, f"{review.code}.docx",
                       DownloadEntry("review.acta_downloaded", "management_review", review.id, review.code))
