"""Flask extensions, created unbound and initialised in ``create_app``."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic's batch mode (SQLite) able to alter tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()


def use_spanish_form_messages() -> None:
    """Make WTForms' built-in validation messages Spanish for every form.

    Flask-WTF only translates through Flask-Babel; with ``WTF_I18N_ENABLED`` off it falls
    back to WTForms' own catalogues, which ship Spanish.
    """
    from flask_wtf import FlaskForm

    FlaskForm.Meta.locales = ("es",)
