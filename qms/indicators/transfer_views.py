"""Pages that move measurements to and from .xlsx: the export of a year and the import with its dry run."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, send_file
from flask_login import current_user

from qms.core import permissions as P
from qms.core.forms import CsrfForm, uploaded
from qms.errors import ServiceError
from qms.extensions import db
from qms.indicators import queries, transfer
from qms.timeutil import today_local
from qms.web import acting_user, as_conflict, permission_required, year_arg

bp = Blueprint("indicator_transfer", __name__, url_prefix="/indicadores")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/exportar")
@permission_required(P.INDICATOR_VIEW)
def export():
    year = year_arg() or today_local().year
    indicators = db.session.scalars(queries.visible_query(current_user)).all()
    return send_file(transfer.export_file(indicators, year), mimetype=XLSX, as_attachment=True,
                     download_name=f"mediciones-{year}.xlsx")


@bp.route("/importar", methods=["GET", "POST"])
@permission_required(P.INDICATOR_MANAGE)
def import_measurements():
    form, report = CsrfForm(), None
    if request.method == "POST" and not form.validate_on_submit():
        flash("El formulario expiró o no es válido; inténtelo de nuevo.", "danger")
    elif request.method == "POST":
        try:
            with as_conflict():
                report = transfer.import_measurements(acting_user(), uploaded()[0],
                                                      dry_run=request.form.get("apply") != "1")
                if report.applied:
                    db.session.commit()
                else:
                    db.session.rollback()
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        if report is not None and report.applied:
            flash(f"Se importaron {len(report.periods)} mediciones; quedan por confirmar.", "success")
    return render_template("indicators/import.html", form=form, report=report,
                           applying=request.form.get("apply") == "1"), 200 if report is None or report.ok else 422
