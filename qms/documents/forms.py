"""Forms of the documents module."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from qms.auth.forms import REQUIRED, MultiCheckboxField


class NewDocumentForm(FlaskForm):
    type_id = SelectField("Tipo de documento", coerce=int)
    process_id = SelectField("Proceso", coerce=int)
    title = StringField("Título", validators=[DataRequired(REQUIRED), Length(max=250)])
    regions = MultiCheckboxField("Alcance regional (vacío = todo el país)")


class DraftFormBase(FlaskForm):
    title = StringField("Título", validators=[DataRequired(REQUIRED), Length(max=250)])
    change_description = TextAreaField("Descripción del cambio", validators=[Optional(), Length(max=4000)])
    references = SelectMultipleField("Documentos de referencia", coerce=int, validators=[Optional()])
    record_types = MultiCheckboxField("Registros que genera", coerce=int, validators=[Optional()])
    lock_version = HiddenField()
    #: An image to place at the end of a section (saved together with everything typed).
    image = FileField("Imagen (PNG o JPEG)")
    image_section = SelectField("Sección donde se agrega", validators=[Optional()])
    image_alt = StringField("Descripción de la imagen", validators=[Optional(), Length(max=200)])


def section_field_name(key: str) -> str:
    return f"s_{key}"


def draft_form_class(sections: list[dict]) -> type[DraftFormBase]:
    """Return a form class with one text area per section of the type's schema."""
    attrs = {
        section_field_name(s["key"]): TextAreaField(
            f"{s['number']}. {s['title']}", description=s.get("hint", ""),
            validators=[Optional(), Length(max=200_000, message="La sección es demasiado larga.")])
        for s in sections
    }
    return type("DraftForm", (DraftFormBase,), attrs)


class TransitionForm(FlaskForm):
    password = PasswordField("Contraseña (firma)", validators=[DataRequired("Ingrese su contraseña para firmar.")])
    comment = TextAreaField("Observaciones", validators=[Optional(), Length(max=4000)])
    effective_date = DateField("Fecha de vigencia", validators=[Optional()])
    confirm_empty_distribution = BooleanField("Aprobar sin distribución (nadie recibirá aviso de lectura)")
    backdate_reason = TextAreaField("Motivo de una fecha pasada (solo Comité de Calidad)",
                                    validators=[Optional(), Length(max=2000)])
    lock_version = HiddenField()


class DocumentSettingsForm(FlaskForm):
    owner_id = SelectField("Responsable del documento", coerce=int)
    regions = MultiCheckboxField("Alcance regional")
    distribution_roles = MultiCheckboxField("Distribución: roles", coerce=int)
    distribution_units = MultiCheckboxField("Distribución: unidades", coerce=int)


class SimpleForm(FlaskForm):
    """A form with only the CSRF token, for one-click actions."""


class ReviewUnchangedForm(FlaskForm):
    """Sign a periodic review that finds nothing to change."""

    comment = TextAreaField("Qué se revisó y por qué no requiere cambios",
                            validators=[DataRequired("Indique qué se revisó."), Length(max=4000)])
    password = PasswordField("Contraseña (firma)", validators=[DataRequired("Ingrese su contraseña para firmar.")])


class CoauthorsForm(FlaskForm):
    coauthors = MultiCheckboxField("Coautores (pueden guardar y enviar este borrador)", coerce=int)


class DefaultDistributionForm(FlaskForm):
    roles = MultiCheckboxField("Roles", coerce=int)
    units = MultiCheckboxField("Unidades", coerce=int)
