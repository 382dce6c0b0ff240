"""Forms of a version's Word round trip."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField


class WordUploadForm(FlaskForm):
    """Upload the draft's content as a Word file."""

    file = FileField("Archivo Word (.docx)", validators=[FileRequired("Seleccione el archivo Word que desea subir.")])
    lock_version = HiddenField()
