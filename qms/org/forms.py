from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from qms.auth.forms import REQUIRED
from qms.org.models import PROCESS_KINDS
from qms.web import options


class ProcessForm(FlaskForm):
    code = StringField("Código", validators=[DataRequired(REQUIRED), Length(max=12)])
    name = StringField("Nombre", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("Tipo", choices=options(list(PROCESS_KINDS.items())))
    owner_id = SelectField("Dueño(a) del proceso", coerce=int)
    unit_id = SelectField("Unidad", coerce=int)
    pmg_system_code = SelectField("Sistema PMG")
    description = TextAreaField("Descripción", validators=[Optional(), Length(max=4000)])
    has_gender_focus = BooleanField("Con enfoque de género")
    has_territorial_focus = BooleanField("Con perspectiva territorial")
    is_active = BooleanField("Activo", default=True)


class InstitutionForm(FlaskForm):
    name = StringField("Nombre de la institución", validators=[DataRequired(REQUIRED), Length(max=200)])
    short_name = StringField("Sigla", validators=[Optional(), Length(max=40)])
    default_region_code = SelectField("Región por omisión")
    logo = FileField("Logo (PNG o JPEG, hasta 2 MB)")
    remove_logo = BooleanField("Quitar el logo actual")
