"""Forms of the records module."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from qms.auth.forms import REQUIRED, MultiCheckboxField
from qms.records.models import DISPOSITIONS, LINK_KINDS
from qms.web import options


class RecordForm(FlaskForm):
    type_id = SelectField("Tipo de registro", coerce=int)
    title = StringField("Título", validators=[DataRequired(REQUIRED), Length(max=250)])
    record_date = DateField("Fecha del registro", validators=[DataRequired("Indique una fecha válida.")])
    process_id = SelectField("Proceso", coerce=int)
    region_code = SelectField("Región")
    description = TextAreaField("Descripción", validators=[Optional(), Length(max=10_000)])
    documents = SelectMultipleField("Documentos que evidencia", coerce=int, validators=[Optional()])
    file = FileField("Archivo")


class RecordEditForm(FlaskForm):
    title = StringField("Título", validators=[DataRequired(REQUIRED), Length(max=250)])
    process_id = SelectField("Proceso", coerce=int)
    region_code = SelectField("Región")
    owner_id = SelectField("Responsable", coerce=int)
    description = TextAreaField("Descripción", validators=[Optional(), Length(max=10_000)])
    documents = SelectMultipleField("Documentos que evidencia", coerce=int, validators=[Optional()])


class AddFileForm(FlaskForm):
    file = FileField("Archivo")
    reason = TextAreaField("Motivo (obligatorio)", validators=[Optional(), Length(max=2000)])


class HoldForm(FlaskForm):
    is_on_hold = BooleanField("Retención legal activa")
    reason = TextAreaField("Motivo (causa, oficio, sumario…)", validators=[Optional(), Length(max=2000)])


class LinkForm(FlaskForm):
    kind = SelectField("Tipo de objeto", choices=options(list(LINK_KINDS.items())))
    #: What the person typed or picked ("AUD-2026-01 · Auditoría interna…"); a code is enough without scripts.
    target = StringField("Objeto (código o texto)", validators=[DataRequired("Escriba el código del objeto o elíjalo "
                                                                            "de la lista."), Length(max=200)])
    #: Filled in by the picker when a suggestion is chosen.
    object_id = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(min=1)])


class RecordTypeForm(FlaskForm):
    code = StringField("Código", validators=[DataRequired(REQUIRED), Length(max=20)])
    name = StringField("Nombre", validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField("Descripción", validators=[Optional(), Length(max=4000)])
    producing_document_id = SelectField("Procedimiento que lo genera", coerce=int)
    keeper = StringField("Responsable de la custodia (unidad o rol)", validators=[Optional(), Length(max=200)])
    location = StringField("Lugar de almacenamiento", validators=[Optional(), Length(max=200)])
    retention_years = IntegerField("Conservación: años", default=0, validators=[Optional(), NumberRange(0, 200)])
    retention_months = IntegerField("Conservación: meses", default=0, validators=[Optional(), NumberRange(0, 1100)])
    disposition = SelectField("Disposición final", choices=options(list(DISPOSITIONS.items())))
    is_confidential = BooleanField("Confidencial (solo lo ven los roles indicados)")
    allowed_roles = MultiCheckboxField("Roles que pueden ver sus registros", coerce=int)
    is_active = BooleanField("Activo", default=True)


class ProposeForm(FlaskForm):
    record_ids = MultiCheckboxField("Registros", coerce=int)
    comment = TextAreaField("Fundamento de la propuesta", validators=[Optional(), Length(max=4000)])


class DecisionForm(FlaskForm):
    password = PasswordField("Contraseña (firma)", validators=[DataRequired("Ingrese su contraseña para firmar.")])
    comment = TextAreaField("Observaciones", validators=[Optional(), Length(max=4000)])


class SimpleForm(FlaskForm):
    """Only the CSRF token, for one-click actions."""
