"""Pages of the records module: register, record detail, retention table, disposition."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user

from qms.core import permissions as P
from qms.core.forms import create_once
from qms.core.submissions import fulfil
from qms.documents import queries as documents
from qms.errors import NotFound, ServiceError
from qms.extensions import db
from qms.org.models import Process, Region
from qms.records import disposition_views, forms, queries, service
from qms.records import export as register_export
from qms.records.access import can_view_record
from qms.records.models import DISPOSITIONS, LINK_KINDS, RecordType
from qms.storage import downloads, store
from qms.web import Page, acting_user, form_error, int_arg, options, page_arg, permission_required, year_arg

bp = Blueprint("records", __name__, url_prefix="/registros")


# --------------------------------------------------------------------------- helpers


def _load_record(record_id: int):
    """Return the record, or 404 if it does not exist or the user may not see it."""
    try:
        record = service.get_record(record_id)
    except NotFound:
        abort(404)
    if not can_view_record(current_user, record):
        abort(404)
    return record


def _processes():
    return db.session.scalars(sa.select(Process).where(Process.is_active).order_by(Process.code)).all()


def _regions():
    return db.session.scalars(sa.select(Region).order_by(Region.position)).all()


def _documents():
    return documents.all_documents()


def _visible_types():
    from qms.records.access import can_view_type_records

    return [t for t in db.session.scalars(sa.select(RecordType).order_by(RecordType.code))
            if can_view_type_records(current_user, t)]


def _uploaded(field) -> tuple[bytes, str]:
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return b"", ""
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    return storage.stream.read(limit + 1), storage.filename


def _filters() -> queries.RecordFilters:
    return queries.RecordFilters(
        type_id=int_arg("type"), process_id=int_arg("process"), region=request.args.get("region") or None,
        year=year_arg(), retention=request.args.get("retention") or None,
        text=(request.args.get("q") or "").strip()[:100])


# --------------------------------------------------------------------------- register


@bp.route("/")
@permission_required(P.RECORD_READ)
def register():
    filters = _filters()
    page = Page(queries.register_query(filters, current_user), page_arg(), per_page=25)
    return render_template(
        "records/register.html", page=page, filters=filters, types=_visible_types(), processes=_processes(),
        regions=_regions(), years=queries.years(current_user), retention_states=service.RETENTION_STATES,
        retention_state=service.retention_state)


@bp.route("/exportar.xlsx")
@permission_required(P.RECORD_READ)
def export():
    output = register_export.export_file(_filters(), current_user)
    return send_file(output, as_attachment=True, download_name="registros.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _record_choices(form) -> None:
    form.process_id.choices = options([(0, "—")] + [(p.id, f"{p.code} · {p.name}") for p in _processes()])
    form.region_code.choices = options([("", "Todo el país / no aplica")] + [(r.code, r.name) for r in _regions()])
    form.documents.choices = options([(d.id, f"{d.code} · {d.title}") for d in _documents()])


def _selected_documents(ids):
    return documents.documents_by_ids(ids)


@bp.route("/nuevo", methods=["GET", "POST"])
@permission_required(P.RECORD_MANAGE)
def new():
    form = forms.RecordForm()
    _record_choices(form)
    form.type_id.choices = options([(t.id, f"{t.code} · {t.name}") for t in service.record_types_for_choice()])
    if form.validate_on_submit() and (previous := create_once()) is not None:
        return previous
    if form.validate_on_submit():
        data, filename = _uploaded(form.file)
        try:
            record = service.create_record(
                acting_user(), record_type=service.get_type(form.type_id.data), title=form.title.data,
                record_date=form.record_date.data, process=form.process_id.data or None,
                region_code=form.region_code.data or None, description=form.description.data,
                documents=_selected_documents(form.documents.data), data=data, filename=filename)
            fulfil(url_for("records.detail", record_id=record.id))
        except ServiceError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(f"Registro {record.code} creado.", "success")
            return redirect(url_for("records.detail", record_id=record.id))
    return render_template("records/new.html", form=form)


@bp.route("/<int:record_id>")
@permission_required(P.RECORD_READ)
def detail(record_id: int):
    return _detail_page(_load_record(record_id))


def _detail_page(record, status: int = 200, **posted):
    """The record page; ``posted`` holds the form just refused, shown with what was typed."""
    from qms.trail.models import AuditEntry

    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "record", AuditEntry.object_id == str(record.id)).order_by(AuditEntry.seq)).all()
    hold = forms.HoldForm(formdata=None, is_on_hold=record.is_on_legal_hold, reason=record.legal_hold_reason)
    page_forms = {"file_form": forms.AddFileForm(formdata=None), "hold_form": hold,
                  "link_form": forms.LinkForm(formdata=None), **posted}
    return render_template(
        "records/detail.html", record=record, entries=entries, simple_form=forms.SimpleForm(formdata=None),
        retention_state=service.retention_state(record), retention_states=service.RETENTION_STATES,
        is_on_hold=service.is_on_hold(record), **page_forms), status


@bp.route("/<int:record_id>/editar", methods=["GET", "POST"])
@permission_required(P.RECORD_MANAGE)
def edit(record_id: int):
    from qms.auth.models import User

    record = _load_record(record_id)
    form = forms.RecordEditForm(obj=None if request.method == "POST" else record)
    _record_choices(form)
    form.owner_id.choices = options([(0, "—")] + [(u.id, u.full_name) for u in db.session.scalars(
        sa.select(User).where(User.is_enabled).order_by(User.full_name))])
    if not form.is_submitted():
        form.process_id.data, form.region_code.data = record.process_id or 0, record.region_code or ""
        form.owner_id.data, form.documents.data = record.owner_id or 0, [d.id for d in record.documents]
    if form.validate_on_submit():
        try:
            service.update_record(
                acting_user(), record, title=form.title.data, description=form.description.data,
                process=form.process_id.data or None, region_code=form.region_code.data or None,
                owner=form.owner_id.data or None, documents=_selected_documents(form.documents.data))
        except ServiceError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash("Registro actualizado.", "success")
            return redirect(url_for("records.detail", record_id=record.id))
    return render_template("records/edit.html", form=form, record=record)


def _back(record_id: int):
    return redirect(url_for("records.detail", record_id=record_id))


@bp.route("/<int:record_id>/archivos", methods=["POST"])
@permission_required(P.RECORD_MANAGE)
def add_file(record_id: int):
    record = _load_record(record_id)
    form = forms.AddFileForm()
    if not form.validate_on_submit():
        flash("Revise el archivo y el motivo.", "danger")
        return _detail_page(record, 400, file_form=form)
    data, filename = _uploaded(form.file)
    try:
        record_file = service.add_file(acting_user(), record, data=data, filename=filename, reason=form.reason.data)
    except ServiceError as error:
        db.session.rollback()
        form_error(form, error)
        return _detail_page(_load_record(record_id), error.status_code, file_form=form)
    db.session.commit()
    flash(f"Archivo «{record_file.original_filename}» agregado al registro.", "success")
    return _back(record_id)


def _load_file(record_id: int, record_file_id: int):
    """Return (record, file), or 404 when the file is not the record's or was destroyed."""
    record = _load_record(record_id)
    record_file = next((f for f in record.files if f.id == record_file_id), None)
    if record_file is None or record_file.status == "destroyed":
        abort(404)
    return record, record_file


@bp.route("/<int:record_id>/archivos/<int:record_file_id>")
@permission_required(P.RECORD_READ)
def download(record_id: int, record_file_id: int):
    record, record_file = _load_file(record_id, record_file_id)
    try:
        data = service.read_file(acting_user(), record, record_file)
    except store.StorageError as error:
        db.session.commit()  # keeps the trail entry that reports the damage
        current_app.logger.error("record %s file %s: %s", record.code, record_file.sha256[:12], error)
        return render_template("records/file_error.html", record=record, record_file=record_file,
                               message=str(error)), 500
    db.session.commit()
    return downloads.attachment(data, record_file.original_filename)


@bp.route("/<int:record_id>/archivos/<int:record_file_id>/pdf")
@permission_required(P.RECORD_READ)
def download_pdf(record_id: int, record_file_id: int):
    """A Word file of the record (an issued report) as PDF/A, converted once."""
    from qms.docgen.pdf import PdfUnavailable

    record, record_file = _load_file(record_id, record_file_id)
    try:
        data = service.read_file_as_pdf(acting_user(), record, record_file)
    except store.StorageError as error:
        db.session.commit()  # keeps the trail entry that reports the damage
        return render_template("records/file_error.html", record=record, record_file=record_file,
                               message=str(error)), 500
    except ServiceError as error:  # not a Word file, or no LibreOffice here
        db.session.rollback()
        status = 503 if isinstance(error, PdfUnavailable) else 404
        return render_template("errors/error.html", code=status, title="PDF no disponible", text=error.message), status
    db.session.commit()
    return downloads.attachment(data, record_file.original_filename.rsplit(".", 1)[0] + ".pdf")


@bp.route("/<int:record_id>/retencion-legal", methods=["POST"])
@permission_required(P.RECORD_MANAGE)
def hold(record_id: int):
    record = _load_record(record_id)
    form = forms.HoldForm()
    if not form.validate_on_submit():
        flash("Revise el motivo de la retención legal.", "danger")
        return _detail_page(record, 400, hold_form=form)
    try:
        service.set_record_legal_hold(acting_user(), record, is_on_hold=form.is_on_hold.data, reason=form.reason.data)
    except ServiceError as error:
        db.session.rollback()
        form_error(form, error)
        return _detail_page(_load_record(record_id), error.status_code, hold_form=form)
    db.session.commit()
    flash("Retención legal activada." if form.is_on_hold.data else "Retención legal levantada.", "success")
    return _back(record_id)


@bp.route("/<int:record_id>/vinculos", methods=["POST"])
@permission_required(P.RECORD_MANAGE)
def link(record_id: int):
    record = _load_record(record_id)
    form = forms.LinkForm()
    if not form.validate_on_submit():
        flash("Revise el vínculo: elija el tipo y el objeto.", "danger")
        return _detail_page(record, 400, link_form=form)
    try:
        service.add_link(acting_user(), record, kind=form.kind.data, object_id=form.object_id.data,
                         label=form.target.data)
    except ServiceError as error:
        db.session.rollback()
        form_error(form, error)
        return _detail_page(_load_record(record_id), error.status_code, link_form=form)
    db.session.commit()
    flash("Vínculo agregado.", "success")
    return _back(record_id)


@bp.route("/vinculos/opciones")
@permission_required(P.RECORD_MANAGE)
def link_options():
    """Suggestions of the link picker: objects of a kind the user may open, as JSON."""
    from qms.records import links

    return jsonify(links.candidates(current_user, request.args.get("kind", ""), request.args.get("q", "")))


@bp.route("/<int:record_id>/eliminar", methods=["POST"])
@permission_required(P.RECORD_MANAGE)
def delete(record_id: int):
    record = _load_record(record_id)
    try:
        service.delete_record(acting_user(), record)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "warning")
    return _back(record_id)


# --------------------------------------------------------------------------- retention table


@bp.route("/tipos")
@permission_required(P.RECORD_READ)
def types():
    rows = db.session.scalars(sa.select(RecordType).order_by(RecordType.code)).all()
    return render_template("records/types.html", types=rows, simple_form=forms.SimpleForm(formdata=None))


def _type_choices(form) -> None:
    from qms.auth.models import Role

    form.producing_document_id.choices = options([(0, "—")] + [
        (d.id, f"{d.code} · {d.title}") for d in documents.documents_of_type("PR")])
    form.allowed_roles.choices = options([(r.id, r.label) for r in db.session.scalars(sa.select(Role).order_by(Role.id))])


def _save_type(record_type: RecordType | None):
    from qms.auth.models import Role

    form = forms.RecordTypeForm(obj=None if request.method == "POST" else record_type)
    _type_choices(form)
    if record_type is not None and not form.is_submitted():
        form.producing_document_id.data = record_type.producing_document_id or 0
        form.allowed_roles.data = [r.id for r in record_type.allowed_roles]
    if form.validate_on_submit() and record_type is None and (previous := create_once()) is not None:
        return previous
    if form.validate_on_submit():
        roles = db.session.scalars(sa.select(Role).where(Role.id.in_(form.allowed_roles.data or []))).all()
        try:
            saved = service.save_record_type(
                acting_user(), record_type, allowed_roles=roles, code=form.code.data, name=form.name.data,
                description=form.description.data, producing_document_id=form.producing_document_id.data or None,
                keeper=form.keeper.data, location=form.location.data, retention_years=form.retention_years.data,
                retention_months=form.retention_months.data, disposition=form.disposition.data,
                is_confidential=form.is_confidential.data, is_active=form.is_active.data)
            fulfil(url_for("records.types"))
        except ServiceError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(f"Tipo de registro {saved.code} guardado.", "success")
            return redirect(url_for("records.types"))
    return render_template("records/type_form.html", form=form, record_type=record_type,
                           hold_form=forms.HoldForm(formdata=None, is_on_hold=getattr(record_type, "is_on_legal_hold", False),
                                                    reason=getattr(record_type, "legal_hold_reason", "")))


@bp.route("/tipos/nuevo", methods=["GET", "POST"])
@permission_required(P.RECORD_MANAGE)
def type_new():
    return _save_type(None)


@bp.route("/tipos/<int:record_type_id>", methods=["GET", "POST"])
@permission_required(P.RECORD_MANAGE)
def type_edit(record_type_id: int):
    try:
        record_type = service.get_type(record_type_id)
    except NotFound:
        abort(404)
    return _save_type(record_type)


@bp.route("/tipos/<int:record_type_id>/retencion-legal", methods=["POST"])
@permission_required(P.RECORD_MANAGE)
def type_hold(record_type_id: int):
    try:
        record_type = service.get_type(record_type_id)
    except NotFound:
        abort(404)
    form = forms.HoldForm()
    if form.validate_on_submit():
        try:
            service.set_type_legal_hold(acting_user(), record_type, is_on_hold=form.is_on_hold.data,
                                        reason=form.reason.data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash("Retención legal del tipo actualizada.", "success")
    return redirect(url_for("records.type_edit", record_type_id=record_type_id))


# --------------------------------------------------------------------------- disposition

disposition_views.register(bp)


@bp.app_context_processor
def _labels():
    return {"record_dispositions": DISPOSITIONS, "record_link_kinds": LINK_KINDS}
