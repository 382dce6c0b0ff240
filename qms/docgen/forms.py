"""Forms of the template administration."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class TemplateUploadForm(FlaskForm):
    """Replace a template with the institution's own .docx."""

    file = FileField("Plantilla Word (.docx)", validators=[FileRequired("Seleccione la plantilla que desea subir.")])
    comment = TextAreaField(
        "Motivo del cambio", validators=[Optional(), Length(max=1000, message="El motivo no puede superar 1.000 caracteres.")]
    )


class PlainForm(FlaskForm):
    """A form with only its CSRF token (buttons that change state)."""
