"""Forms of the import wizard."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportUploadForm(FlaskForm):
    """The .zip of files and the metadata sheet (the dry run comes next)."""

    archive = FileField("Archivos (.zip)", validators=[FileRequired("Seleccione el .zip con los archivos.")])
    sheet = FileField("Planilla de metadatos (.xlsx o .csv)",
                      validators=[FileRequired("Seleccione la planilla de metadatos.")])
