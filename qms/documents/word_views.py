"""A version's Word files: download, edit in Word and upload back, and the public verification page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qms.core import permissions as P
from qms.docgen.http import send_docx
from qms.documents import delivery, verification, word_checks
from qms.documents import service as documents
from qms.documents.access import can_edit_version, can_view_version
from qms.documents.forms import SimpleForm
from qms.documents.word_forms import WordUploadForm
from qms.documents.word_sections import section_label
from qms.errors import ConflictError, NotFound, ServiceError
from qms.extensions import db
from qms.storage.downloads import attachment
from qms.web import acting_user, as_conflict, login_required, permission_required, public

bp = Blueprint("word", __name__)


def _load_version(code: str, number: int):
    """Return the version, or 404 when it does not exist or the user may not see it."""
    try:
        version = documents.get_version(code, number)
    except NotFound:
        abort(404)
    if not can_view_version(current_user, version):
        abort(404)
    return version


def _refuse_if_locked(version):
    """Return a redirect back to the version when the user may not edit it, else None."""
    if can_edit_version(current_user, version):
        return None
    flash(f"La versión está «{version.state_label}» y no se puede editar.", "warning")
    return redirect(url_for("documents.version_detail", code=version.document.code, number=version.number))


def _send(download: delivery.Download):
    if download.filename.endswith(".pdf"):
        return attachment(download.data, download.filename)  # a version imported as PDF
    return send_docx(download.data, download.filename)


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


@bp.route("/documentos/<code>/v/<int:number>/descargar-pdf")
@login_required
def download_pdf(code: str, number: int):
    from qms.docgen import pdf

    version = _load_version(code, number)
    try:
        result = delivery.download_pdf(acting_user(), version)
    except delivery.DownloadFailed as error:
        db.session.commit()  # keep the trail entry that records the failure
        return render_template("errors/error.html", code=500, title="Archivo alterado", text=error.message), 500
    except pdf.PdfUnavailable as error:
        db.session.rollback()
        return render_template("errors/error.html", code=503, title="PDF no disponible", text=error.message), 503
    db.session.commit()
    return attachment(result.data, result.filename)


@bp.app_context_processor
def _pdf_copies():
    """Pages offer the PDF copy only where LibreOffice is installed."""
    from qms.docgen import pdf

    return {"pdf_available": pdf.available}


@bp.route("/documentos/<code>/v/<int:number>/editar-en-word")
@permission_required(P.DOCUMENT_DRAFT)
def edit_in_word(code: str, number: int):
    version = _load_version(code, number)
    if (refusal := _refuse_if_locked(version)) is not None:
        return refusal
    result = delivery.edit_copy(acting_user(), version)
    db.session.commit()
    return _send(result)


@bp.route("/documentos/<code>/v/<int:number>/subir-word", methods=["GET", "POST"])
@permission_required(P.DOCUMENT_DRAFT)
def upload_source(code: str, number: int):
    version = _load_version(code, number)
    if (refusal := _refuse_if_locked(version)) is not None:
        return refusal
    form = WordUploadForm()
    if not form.is_submitted():
        form.lock_version.data = version.lock_version
    if form.validate_on_submit():
        try:
            with as_conflict():
                found = delivery.upload_word_source(acting_user(), version, form.file.data.read(),
                                                    _as_int(form.lock_version.data))
                db.session.commit()
        except ConflictError as error:
            db.session.rollback()
            flash(error.message, "danger")
        except ServiceError as error:
            db.session.rollback()
            form.file.errors = list(form.file.errors) + [error.message]
        else:
            flash("Archivo Word recibido: ahora es el contenido de este borrador.", "success")
            for line in word_checks.summary(word_checks.uncontrolled_of(version)):
                flash(line, "warning")
            if found.missing_required:
                flash("Al archivo le faltan secciones del tipo de documento: "
                      + "; ".join(section_label(s) for s in found.missing_required)
                      + ". No podrá enviarse a revisión hasta que las tenga.", "warning")
            return redirect(url_for("documents.version_detail", code=code, number=number))
    return render_template("documents/upload_source.html", version=version, document=version.document, form=form,
                           max_mb=current_app.config["MAX_UPLOAD_MB"])


@bp.route("/documentos/<code>/v/<int:number>/redactar-por-secciones", methods=["POST"])
@permission_required(P.DOCUMENT_DRAFT)
def switch_to_browser(code: str, number: int):
    """Go back from a Word file to sections: the file's text is copied into them, or refused."""
    version = _load_version(code, number)
    if (refusal := _refuse_if_locked(version)) is not None:
        return refusal
    back = redirect(url_for("documents.version_detail", code=code, number=number))
    if not SimpleForm().validate_on_submit():
        flash("La solicitud no es válida; recargue la página e intente de nuevo.", "danger")
        return back
    try:
        found = documents.switch_to_browser(acting_user(), version, _as_int(request.form.get("lock_version")))
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return back
    db.session.commit()
    flash("El texto del archivo Word se copió a las secciones. Revise cada sección: el formato de Word (estilos, "
          "imágenes, tablas complejas) no se conserva.", "warning")
    if found.missing:
        flash("Secciones que el archivo no tenía y quedaron vacías: "
              + "; ".join(section_label(s) for s in found.missing) + ".", "warning")
    return redirect(url_for("documents.edit", code=code, number=number))


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/verificar/<verification_code>")
@public
def verify(verification_code: str):
    verdict = verification.find(verification_code)
    code = verification_code[:16]
    if verdict is None:
        return render_template("documents/verify.html", verdict=None, code=code), 404
    may_open = can_view_version(current_user, verdict.version)
    return render_template("documents/verify.html", verdict=verdict, code=code.upper(), may_open=may_open)
