"""Pages of document control beside the workflow: co-authors of a draft, the periodic
review without changes, and the default distribution of types and processes."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from qms.auth.models import Role, User
from qms.core import permissions as P
from qms.documents import control, service
from qms.documents.forms import CoauthorsForm, DefaultDistributionForm, ReviewUnchangedForm
from qms.documents.models import DocumentType
from qms.documents.views import _load_version, _render_version
from qms.extensions import db
from qms.org.models import Process, Unit
from qms.web import acting_user, attempt, login_required, options, permission_required

bp = Blueprint("doccontrol", __name__, url_prefix="/documentos")


def draft_writers() -> list[User]:
    """Enabled users who may write drafts: the choices for co-authors."""
    users = db.session.scalars(sa.select(User).where(User.is_enabled).order_by(User.full_name)).all()
    return [u for u in users if u.can(P.DOCUMENT_DRAFT)]


def coauthors_form(version) -> CoauthorsForm:
    form = CoauthorsForm(formdata=None, prefix="coautores")
    form.coauthors.choices = options([(u.id, u.full_name) for u in draft_writers() if u.id != version.created_by_id])
    form.coauthors.data = [u.id for u in version.coauthors]
    return form


def control_context(version, review_form=None) -> dict:
    """Return what the version page shows of document control: co-authors, periodic review, history."""
    from qms.documents.access import can_view_version

    manage = current_user.can(P.DOCUMENT_MANAGE) and version.state in ("draft", "returned")
    reviewable = control.may_review(current_user, version) and control.review_is_open(version)
    if reviewable and review_form is None:
        review_form = ReviewUnchangedForm(prefix="revision", formdata=None)
    history = [("version", v.effective_date, v) for v in version.document.versions
               if v.state in ("effective", "obsolete") and can_view_version(current_user, v)]
    history += [("review", r.signed_at.date(), r) for v in version.document.versions
                if can_view_version(current_user, v) for r in v.reviews]
    history.sort(key=lambda item: (item[1] is None, item[1]))
    return {"coauthors_form": coauthors_form(version) if manage else None,
            "review_form": review_form if reviewable else None,
            "control_history": history}


@bp.route("/<code>/v/<int:number>/coautores", methods=["POST"])
@permission_required(P.DOCUMENT_MANAGE)
def coauthors(code: str, number: int):
    version = _load_version(code, number)
    form = CoauthorsForm(prefix="coautores")
    form.coauthors.choices = options([(u.id, u.full_name) for u in draft_writers()])
    if form.validate_on_submit():
        chosen = db.session.scalars(sa.select(User).where(User.id.in_(form.coauthors.data or []))).all()
        if attempt(lambda: service.set_coauthors(acting_user(), version, chosen), category="danger").ok:
            flash("Coautores guardados.", "success")
    return redirect(url_for("documents.version_detail", code=code, number=number))


@bp.route("/<code>/v/<int:number>/revisado-sin-cambios", methods=["POST"])
@login_required
def review_unchanged(code: str, number: int):
    version = _load_version(code, number)
    if not control.may_review(current_user, version):
        abort(403)
    form = ReviewUnchangedForm(prefix="revision")
    if form.validate_on_submit():
        outcome = attempt(lambda: control.mark_reviewed_unchanged(
            acting_user(), version, password=form.password.data, comment=form.comment.data), form)
        if outcome.ok:
            flash(f"Revisión registrada sin cambios. Próxima revisión: {version.review_due:%d-%m-%Y}.", "success")
            return redirect(url_for("documents.version_detail", code=code, number=number))
    return _render_version(version, review_form=form, status=400)


_KINDS = {"tipo": DocumentType, "proceso": Process}


@bp.route("/distribucion-por-defecto")
@permission_required(P.DOCUMENT_MANAGE)
def default_distribution_list():
    return render_template(
        "documents/default_distribution_list.html",
        types=[(t, control.default_entries(doc_type=t)) for t in db.session.scalars(
            sa.select(DocumentType).order_by(DocumentType.code))],
        processes=[(p, control.default_entries(process=p)) for p in db.session.scalars(
            sa.select(Process).order_by(Process.code))])


@bp.route("/distribucion-por-defecto/<kind>/<code>", methods=["GET", "POST"])
@permission_required(P.DOCUMENT_MANAGE)
def default_distribution(kind: str, code: str):
    model = _KINDS.get(kind)
    obj = db.session.scalar(sa.select(model).where(model.code == code)) if model else None
    if obj is None:
        abort(404)
    owner = {"doc_type": obj} if kind == "tipo" else {"process": obj}
    form = DefaultDistributionForm()
    form.roles.choices = options([(r.id, r.label) for r in db.session.scalars(sa.select(Role).order_by(Role.id))])
    form.units.choices = options([(u.id, u.name) for u in db.session.scalars(sa.select(Unit).order_by(Unit.name))])
    if not form.is_submitted():
        entries = control.default_entries(**owner)
        form.roles.data = [e.role_id for e in entries if e.role_id]
        form.units.data = [e.unit_id for e in entries if e.unit_id]
    if form.validate_on_submit():
        roles = db.session.scalars(sa.select(Role).where(Role.id.in_(form.roles.data or []))).all()
        units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(form.units.data or []))).all()
        if attempt(lambda: control.set_default_distribution(acting_user(), roles=roles, units=units, **owner), form).ok:
            flash("Distribución por defecto guardada: se aplica a los documentos que se creen desde ahora.", "success")
            return redirect(url_for("doccontrol.default_distribution_list"))
    return render_template("documents/default_distribution.html", form=form, obj=obj,
                           kind_label="Tipo de documento" if kind == "tipo" else "Proceso")


@bp.route("/<code>/v/<int:number>/imagen/<sha256>")
@login_required
def image(code: str, number: int, sha256: str):
    """Serve an image placed in the version's sections, to whoever may read the version."""
    from flask import Response

    from qms.documents.images import placed_in
    from qms.storage import store

    version = _load_version(code, number)
    if not placed_in(version, sha256):
        abort(404)
    try:
        data = store.read(sha256)
    except store.StorageError:
        abort(404)
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    response = Response(data, mimetype=kind)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
