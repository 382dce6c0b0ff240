"""Word documents: download, verification page, round trip and template administration."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from qms.core import permissions as P
from qms.docgen import admin, delivery, templates, verification
from qms.docgen.forms import PlainForm, TemplateUploadForm, WordUploadForm
from qms.documents import service as documents
from qms.documents.access import can_edit_version, can_view_version
from qms.errors import ConflictError, NotFound, ServiceError
from qms.extensions import db
from qms.storage import store
from qms.web import acting_user, form_error, login_required, permission_required, public

bp = Blueprint("docgen", __name__)


def _load_version(code: str, number: int):
    """Return the version, or 404 when it does not exist or the user may not see it."""
    try:
        version = documents.get_version(code, number)
    except NotFound:
        abort(404)
    if not can_view_version(current_user, version):
        abort(404)
    return version


def _send(download: delivery.Download):
    response = send_file(
        io.BytesIO(download.data), mimetype=templates.DOCX_TYPE, as_attachment=True, download_name=download.filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/documentos/<code>/v/<int:number>/descargar")
@login_required
def download(code: str, number: int):
    version = _load_version(code, number)
    try:
        result = delivery.download_version(acting_user(), version)
    except delivery.DownloadFailed as error:
        db.session.commit()  # keep the trail entry that records the failure
        return render_template("errors/error.html", code=500, title="Archivo alterado", text=error.message), 500
    db.session.commit()
    return _send(result)


@bp.route("/documentos/<code>/v/<int:number>/editar-en-word")
@permission_required(P.DOCUMENT_DRAFT)
def edit_in_word(code: str, number: int):
    version = _load_version(code, number)
    if not can_edit_version(current_user, version):
        flash(f"La versión está «{version.state_label}» y no se puede editar.", "warning")
        return redirect(url_for("documents.version_detail", code=code, number=number))
    result = delivery.edit_copy(acting_user(), version)
    db.session.commit()
    return _send(result)


@bp.route("/documentos/<code>/v/<int:number>/subir-word", methods=["GET", "POST"])
@permission_required(P.DOCUMENT_DRAFT)
def upload_source(code: str, number: int):
    version = _load_version(code, number)
    if not can_edit_version(current_user, version):
        flash(f"La versión está «{version.state_label}» y no se puede editar.", "warning")
        return redirect(url_for("documents.version_detail", code=code, number=number))
    form = WordUploadForm()
    if not form.is_submitted():
        form.lock_version.data = version.lock_version
    if form.validate_on_submit():
        try:
            delivery.upload_word_source(acting_user(), version, form.file.data.read(), _as_int(form.lock_version.data))
        except ConflictError as error:
            db.session.rollback()
            flash(error.message, "danger")
        except ServiceError as error:
            db.session.rollback()
            form.file.errors = list(form.file.errors) + [error.message]
        else:
            db.session.commit()
            flash("Archivo Word recibido: ahora es el contenido de este borrador.", "success")
            return redirect(url_for("documents.version_detail", code=code, number=number))
    return render_template("docgen/upload_source.html", version=version, document=version.document, form=form,
                           max_mb=_max_mb())


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _max_mb() -> int:
    from flask import current_app

    return current_app.config["MAX_UPLOAD_MB"]


@bp.route("/verificar/<verification_code>")
@public
def verify(verification_code: str):
    verdict = verification.find(verification_code)
    code = verification_code[:16]
    if verdict is None:
        return render_template("docgen/verify.html", verdict=None, code=code), 404
    may_open = can_view_version(current_user, verdict.version)
    return render_template("docgen/verify.html", verdict=verdict, code=code.upper(), may_open=may_open)


@bp.route("/admin/plantillas")
@permission_required(P.ADMIN_TEMPLATES)
def template_list():
    rows = [(name, templates.latest(name)) for name in admin.managed_names()]
    return render_template("docgen/templates.html", rows=rows, report_names=templates.REPORT_TEMPLATES)


@bp.route("/admin/plantillas/<name>", methods=["GET", "POST"])
@permission_required(P.ADMIN_TEMPLATES)
def template_detail(name: str):
    if name not in admin.managed_names():
        abort(404)
    form = TemplateUploadForm()
    if form.validate_on_submit():
        try:
            version = admin.upload_template(acting_user(), name, form.file.data.read(), form.comment.data)
        except ServiceError as error:
            db.session.rollback()
            form.file.errors = list(form.file.errors) + [error.message]
        else:
            db.session.commit()
            flash(f"Plantilla aceptada: {version.label} está en uso desde ahora.", "success")
            return redirect(url_for("docgen.template_detail", name=name))
    return render_template("docgen/template_detail.html", name=name, history=templates.history(name), form=form,
                           restore_form=PlainForm(), max_mb=_max_mb(), has_builtin=name in templates.builtin_names())


@bp.route("/admin/plantillas/<name>/restaurar", methods=["POST"])
@permission_required(P.ADMIN_TEMPLATES)
def template_restore(name: str):
    if name not in admin.managed_names() or not PlainForm().validate_on_submit():
        abort(400)
    try:
        version = admin.restore_builtin(acting_user(), name)
    except ServiceError as error:
        db.session.rollback()
        form_error(PlainForm(), error)
    else:
        db.session.commit()
        flash(f"Se restauró la plantilla del sistema como {version.label}.", "success")
    return redirect(url_for("docgen.template_detail", name=name))


@bp.route("/admin/plantillas/<name>/<int:number>/descargar")
@permission_required(P.ADMIN_TEMPLATES)
def template_download(name: str, number: int):
    version = next((v for v in templates.history(name) if v.number == number), None)
    if version is None:
        abort(404)
    try:
        data = store.read(version.sha256)
    except store.StorageError as error:
        return render_template("errors/error.html", code=500, title="Archivo alterado", text=str(error)), 500
    return _send(delivery.Download(data, f"{name[:-5]}_v{number}.docx", "template"))
