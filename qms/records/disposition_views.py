"""Pages of the disposition of records: the expired list, proposals, signed decisions,
certificates. Routed on the records blueprint by ``register(bp)``."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from qms.core import permissions as P
from qms.core.forms import create_once
from qms.core.submissions import fulfil
from qms.errors import NotFound, ServiceError
from qms.extensions import db
from qms.records import disposition, forms, service
from qms.storage import store
from qms.web import acting_user, form_error, login_required, options, permission_required



def _require_disposition_access() -> None:
    """Committee and approvers only; anyone else gets a 404."""
    if not (current_user.can(P.RECORD_MANAGE) or current_user.can(P.RECORD_DISPOSE)):
        abort(404)


@login_required
def disposition_index():
    _require_disposition_access()
    return _disposition_page(forms.ProposeForm(formdata=None))


def _disposition_page(form, status: int = 200):
    """The expired list with the proposal form (the refused one, with what was typed)."""
    return render_template("records/disposition.html", eligible=disposition.eligible_records(current_user), form=form,
                           pending=disposition.pending_record_ids(), batches=disposition.batches(),
                           is_on_hold=service.is_on_hold), status


@permission_required(P.RECORD_MANAGE)
def propose():
    form = forms.ProposeForm()
    form.record_ids.choices = options([(r.id, r.code) for r in disposition.eligible_records(current_user)])
    if not form.validate_on_submit():
        flash("Seleccione registros cuyo plazo de conservación esté cumplido.", "danger")
        return _disposition_page(form, 400)
    if (previous := create_once()) is not None:
        return previous
    try:
        records = [service.get_record(i) for i in form.record_ids.data or []]
        batch = disposition.propose_batch(acting_user(), records, form.comment.data)
        fulfil(url_for("records.batch", disposition_id=batch.id))
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _disposition_page(form, error.status_code)
    db.session.commit()
    flash(f"Disposición {batch.code} propuesta; queda pendiente de la firma de quien aprueba.", "success")
    return redirect(url_for("records.batch", disposition_id=batch.id))


def _load_batch(disposition_id: int):
    _require_disposition_access()
    try:
        return disposition.get_batch(disposition_id)
    except NotFound:
        abort(404)


def _render_batch(batch, form=None, status: int = 200):
    return render_template("records/batch.html", batch=batch, form=form or forms.DecisionForm(formdata=None),
                           tombstones=_tombstones(batch)), status


def _tombstones(batch):
    from qms.records.models import RecordTombstone

    return db.session.scalars(sa.select(RecordTombstone).where(RecordTombstone.batch_id == batch.id)
                              .order_by(RecordTombstone.record_code)).all()


@login_required
def batch(disposition_id: int):
    return _render_batch(_load_batch(disposition_id))


def _decide(disposition_id: int, decide, done: str):
    batch_obj = _load_batch(disposition_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        try:
            decide(acting_user(), batch_obj, password=form.password.data, comment=form.comment.data)
        except ServiceError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("records.batch", disposition_id=disposition_id))
    return _render_batch(batch_obj, form, status=400)


@permission_required(P.RECORD_DISPOSE)
def approve(disposition_id: int):
    return _decide(disposition_id, disposition.approve_batch,
                   "Disposición aprobada y ejecutada. El certificado quedó registrado.")


@permission_required(P.RECORD_DISPOSE)
def reject(disposition_id: int):
    return _decide(disposition_id, disposition.reject_batch, "Disposición rechazada; no se dispuso ningún registro.")


@login_required
def certificate(disposition_id: int):
    batch_obj = _load_batch(disposition_id)
    if not batch_obj.certificate_sha256:
        abort(404)
    try:
        data = store.read(batch_obj.certificate_sha256)
    except store.StorageError as error:
        return render_template("errors/error.html", code=500, title="Certificado dañado", text=str(error)), 500
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{batch_obj.code}.docx",
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


#: URL, view and methods of every disposition page.
ROUTES = (
    ("/disposicion", disposition_index, ["GET"]),
    ("/disposicion/proponer", propose, ["POST"]),
    ("/disposicion/<int:disposition_id>", batch, ["GET"]),
    ("/disposicion/<int:disposition_id>/aprobar", approve, ["POST"]),
    ("/disposicion/<int:disposition_id>/rechazar", reject, ["POST"]),
    ("/disposicion/<int:disposition_id>/certificado.docx", certificate, ["GET"]),
)


def register(bp) -> None:
    """Add the disposition pages to the records blueprint (endpoints ``records.<view>``)."""
    for url, view, methods in ROUTES:
        bp.add_url_rule(url, view_func=view, methods=methods)
