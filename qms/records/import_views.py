"""The quality committee's wizard to import existing records: upload, dry run, confirm, summary."""
from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from qms.core import permissions as P
from qms.core.forms import CsrfForm
from qms.errors import NotFound, ServiceError
from qms.extensions import db
from qms.records import legacy_import
from qms.storage import staging
from qms.storage.bundles import ZipBundle
from qms.storage.import_forms import ImportUploadForm, review_upload
from qms.web import acting_user, permission_required

bp = Blueprint("records_import", __name__, url_prefix="/registros/importar")
#: Seconds of importing per request: well inside gunicorn's worker timeout (60 s).
SLICE_SECONDS = 20


def _plan(staged, bundle):
    return legacy_import.plan_import(bundle, staged.sheet_path.read_bytes(), staged.sheet_path.name)


@bp.route("/", methods=["GET", "POST"])
@permission_required(P.RECORD_MANAGE)
def start():
    form = ImportUploadForm()
    if form.validate_on_submit():
        return review_upload(form, _plan, "records/import_start.html", "records/import_review.html")
    return render_template("records/import_start.html", form=form, error=None)


@bp.route("/<token>/confirmar", methods=["POST"])
@permission_required(P.RECORD_MANAGE)
def confirm(token: str):
    """Import one slice (``SLICE_SECONDS``); the progress page sends the next until all is done."""
    try:
        staged = staging.load(token)
    except NotFound:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    if staged.summary() is None:
        left: list = []
        try:
            bundle = ZipBundle(staged.zip_data)
            plan = _plan(staged, bundle)
            codes = legacy_import.apply(acting_user(), plan, bundle, commit=db.session.commit,
                                        deadline=time.monotonic() + SLICE_SECONDS, left=left)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(url_for("records_import.start"))
        done = staged.add_progress(codes, 0)
        if left:
            return render_template("import_progress.html", noun="registros", confirm=CsrfForm(),
                                   action=url_for("records_import.confirm", token=token),
                                   done=len(done["imported"]), total=len(done["imported"]) + len(left))
        # What earlier slices imported shows as "already imported" to the last plan: not skipped.
        skipped = len(plan.skipped) - (len(done["imported"]) - len(codes))
        staged.save_summary({"imported": done["imported"], "skipped": max(skipped, 0),
                             "problems": [[row, title, text] for row, title, text in plan.problems()]})
    result = staged.summary()
    return render_template("records/import_done.html", result=result)
