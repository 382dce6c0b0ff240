"""Forms of the Word documents module."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional


class WordUploadForm(FlaskForm):
    """Upload the draft's content as a Word file."""

    file = FileField("Archivo Word (.docx)", validators=[FileRequired("Seleccione el archivo Word que desea subir.")])
    lock_version = HiddenField()


class TemplateUploadForm(FlaskForm):
    """Replace a template with the institution's own .docx."""

    file = FileField("Plantilla Word (.docx)", validators=[FileRequired("Seleccione la plantilla que desea subir.")])
    comment = TextAreaField(
        "Motivo del cambio", validators=[Optional(), Length(max=1000, message="El motivo no puede superar 1.000 caracteres.")]
    )


class PlainForm(FlaskForm):
    """A form with only its CSRF token (buttons that change state)."""
