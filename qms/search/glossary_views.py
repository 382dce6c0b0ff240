"""The glossary pages: every signed-in user reads it, the quality committee keeps it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from qms.core import permissions as P
from qms.core.forms import CsrfForm
from qms.search import glossary
from qms.search.models import GlossaryEntry
from qms.web import acting_user, attempt, get_or_404, login_required, permission_required

bp = Blueprint("glossary", __name__, url_prefix="/glosario")


class GlossaryForm(FlaskForm):
    # Lengths are checked by the service, with its messages; the form keeps what was typed.
    term = StringField("Término o sigla", validators=[Optional(), Length(max=500)])
    equivalents = TextAreaField("Equivalentes (uno por línea)", validators=[Optional(), Length(max=8000)])
    note = StringField("Nota para el comité", validators=[Optional(), Length(max=1000)])


@bp.route("/")
@login_required
def index():
    return render_template("search/glossary.html", entries=glossary.entries(), delete_form=CsrfForm())


@bp.route("/nuevo", methods=["GET", "POST"])
@permission_required(P.GLOSSARY_MANAGE)
def new():
    return _edit(None)


@bp.route("/<int:entry_id>", methods=["GET", "POST"])
@permission_required(P.GLOSSARY_MANAGE)
def edit(entry_id: int):
    return _edit(get_or_404(GlossaryEntry, entry_id))


def _edit(entry: GlossaryEntry | None):
    form = GlossaryForm(obj=entry)
    status = 200
    if form.validate_on_submit():
        outcome = attempt(lambda: glossary.save_entry(
            acting_user(), entry, term=form.term.data, equivalents=form.equivalents.data, note=form.note.data), form)
        if outcome.ok:
            flash(f"«{outcome.value.term}» guardado en el glosario; las búsquedas lo usan desde ya.", "success")
            return redirect(url_for("glossary.index"))
        status = outcome.status  # the form again, with what was typed and the message
    return render_template("search/glossary_form.html", form=form, entry=entry), status


@bp.route("/<int:entry_id>/quitar", methods=["POST"])
@permission_required(P.GLOSSARY_MANAGE)
def delete(entry_id: int):
    entry = get_or_404(GlossaryEntry, entry_id)
    if not CsrfForm().validate_on_submit():
        flash("El formulario expiró o no es válido; inténtelo de nuevo.", "danger")
        return redirect(url_for("glossary.index")), 400
    term = entry.term
    if attempt(lambda: glossary.delete_entry(acting_user(), entry)).ok:
        flash(f"«{term}» quitado del glosario.", "success")
    return redirect(url_for("glossary.index"))
