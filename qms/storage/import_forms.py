"""The upload form of the import wizards (documents and records): a .zip of files and a metadata sheet."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportUploadForm(FlaskForm):
    """The .zip of files and the metadata sheet (the dry run comes next)."""

    archive = FileField("Archivos (.zip)", validators=[FileRequired("Seleccione el .zip con los archivos.")])
    sheet = FileField("Planilla de metadatos (.xlsx o .csv)",
                      validators=[FileRequired("Seleccione la planilla de metadatos.")])


def review_upload(form: ImportUploadForm, plan_of, start_template: str, review_template: str):
    """The wizard's first step, for documents and records alike: stage the uploads, plan, show.

    ``plan_of(staged, bundle)`` reads the sheet and files; nothing is written to the
    database (the session is rolled back), and a refused upload is shown on the form again.
    """
    from flask import render_template

    from qms.core.forms import CsrfForm
    from qms.errors import ServiceError
    from qms.extensions import db
    from qms.storage import staging
    from qms.storage.bundles import ZipBundle

    sheet = form.sheet.data
    try:
        staged = staging.stage(form.archive.data.read(), sheet.read(), sheet.filename or "")
        plan = plan_of(staged, ZipBundle(staged.zip_data))
    except ServiceError as error:
        db.session.rollback()
        return render_template(start_template, form=form, error=error.message), 400
    db.session.rollback()  # the dry run writes nothing
    return render_template(review_template, plan=plan, token=staged.token, confirm=CsrfForm())
