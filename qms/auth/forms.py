"""Forms of sign-in, password change and user administration."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = "Este campo es obligatorio."


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField("Usuario", validators=[DataRequired(REQUIRED), Length(max=60)])
    password = PasswordField("Contraseña", validators=[DataRequired(REQUIRED)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Contraseña actual", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField("Nueva contraseña", validators=[DataRequired(REQUIRED)])


class UserForm(FlaskForm):
    username = StringField("Usuario", validators=[DataRequired(REQUIRED), Length(max=60)])
    full_name = StringField("Nombre completo", validators=[DataRequired(REQUIRED), Length(max=160)])
    email = EmailField("Correo electrónico", validators=[Optional(), Length(max=200)])
    position = StringField("Cargo", validators=[Optional(), Length(max=160)])
    unit_id = SelectField("Unidad", coerce=int)
    roles = MultiCheckboxField("Roles")
    new_password = PasswordField("Contraseña", validators=[Optional()])
    is_enabled = BooleanField("Activo", default=True)


class RoleForm(FlaskForm):
    label = StringField("Nombre", validators=[DataRequired(REQUIRED), Length(max=120)])
    permissions = MultiCheckboxField("Permisos")
