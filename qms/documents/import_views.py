"""The quality committee's import wizard: upload a .zip and its sheet, see the dry run, confirm."""
from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from qms.core import permissions as P
from qms.core.forms import CsrfForm
from qms.documents import legacy_import, legacy_plan
from qms.storage import staging
from qms.storage.import_forms import ImportUploadForm, review_upload
from qms.errors import NotFound, ServiceError
from qms.extensions import db
from qms.storage.bundles import ZipBundle
from qms.storage.downloads import attachment
from qms.web import acting_user, permission_required

bp = Blueprint("legacy_import", __name__, url_prefix="/documentos/importar")
#: Seconds of importing per request: well inside gunicorn's worker timeout (60 s).
SLICE_SECONDS = 20


def _plan(staged, bundle):
    return legacy_plan.plan_import(bundle, staged.sheet_path.read_bytes(), staged.sheet_path.name)


def _staged_or_404(token: str):
    try:
        return staging.load(token)
    except NotFound:
        abort(404)


@bp.route("/", methods=["GET", "POST"])
@permission_required(P.DOCUMENT_MANAGE)
def start():
    form = ImportUploadForm()
    if form.validate_on_submit():
        return review_upload(form, _plan, "documents/import_start.html", "documents/import_review.html")
    return render_template("documents/import_start.html", form=form, error=None)


@bp.route("/<token>/confirmar", methods=["POST"])
@permission_required(P.DOCUMENT_MANAGE)
def confirm(token: str):
    """Import one slice (``SLICE_SECONDS``); the progress page sends the next until all is done."""
    staged = _staged_or_404(token)
    if not CsrfForm().validate_on_submit():
        abort(400)
    if staged.summary() is not None:
        return redirect(url_for("legacy_import.summary", token=token))
    try:
        bundle = ZipBundle(staged.zip_data)
        plan = _plan(staged, bundle)
        result = legacy_import.apply(acting_user(), plan, bundle, commit=db.session.commit,
                                     deadline=time.monotonic() + SLICE_SECONDS)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("legacy_import.start"))
    done = staged.add_progress(result.imported, result.versions)
    if result.pending:
        total = len(done["imported"]) + result.pending
        return render_template("import_progress.html", noun="documentos", confirm=CsrfForm(),
                               action=url_for("legacy_import.confirm", token=token), done=len(done["imported"]),
                               total=total)
    staged.save_summary({**done, "skipped": [c for c in result.skipped if c not in done["imported"]],
                         "problems": [[row, code, text] for row, code, text in plan.problems()]})
    flash(f"Se importaron {len(done['imported'])} documentos ({done['versions']} versiones).", "success")
    return redirect(url_for("legacy_import.summary", token=token))


@bp.route("/<token>")
@permission_required(P.DOCUMENT_MANAGE)
def summary(token: str):
    staged = _staged_or_404(token)
    result = staged.summary()
    if result is None:
        abort(404)
    return render_template("documents/import_done.html", result=result)


@bp.route("/plantilla.xlsx")
@permission_required(P.DOCUMENT_MANAGE)
def template_sheet():
    return attachment(legacy_plan.template_sheet(), "planilla_importacion_documentos.xlsx")

