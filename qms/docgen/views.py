"""Template administration: the Word templates in use, their history, upload and restore."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from qms.core import permissions as P
from qms.docgen import admin, templates
from qms.docgen.forms import PlainForm, TemplateUploadForm
from qms.docgen.http import send_docx
from qms.errors import ServiceError
from qms.extensions import db
from qms.storage import store
from qms.web import acting_user, form_error, permission_required

bp = Blueprint("docgen", __name__)


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
                           restore_form=PlainForm(), max_mb=current_app.config["MAX_UPLOAD_MB"],
                           has_builtin=name in templates.builtin_names())


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
    return send_docx(data, f"{name[:-5]}_v{number}.docx")
