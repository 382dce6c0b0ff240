"""Pages of quality objectives and indicators: the register, an indicator's year, its measurements."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from qms.auth.models import User
from qms.auth.queries import enabled_users
from qms.core import permissions as P
from qms.core.forms import CsrfForm, form_int, run, uploaded
from qms.extensions import db
from qms.indicators import access, charts, queries, service
from qms.indicators.measurements import part_field, part_keys
from qms.indicators.models import (
    DIRECTIONS,
    OBJECTIVE_STATES,
    SEXES,
    UNITS,
    Indicator,
    Measurement,
    MeasurementEvidence,
    QualityObjective,
)
from qms.indicators.periods import FREQUENCIES, periods_of
from qms.org.models import PmgSystem, Process
from qms.org.queries import active_processes, regions
from qms.storage.downloads import DownloadEntry, send_stored
from qms.timeutil import today_local
from qms.web import acting_user, login_required, permission_required, year_arg

bp = Blueprint("indicators", __name__, url_prefix="/indicadores")


def _indicator(code: str) -> Indicator:
    indicator = db.session.scalar(sa.select(Indicator).where(Indicator.code == code))
    if indicator is None or not access.can_view(current_user, indicator):
        abort(404)
    return indicator


def _measurement(measurement_id: int) -> Measurement:
    measurement = db.session.get(Measurement, measurement_id)
    if measurement is None or not access.can_view(current_user, measurement.indicator):
        abort(404)
    return measurement


def _objective(code: str) -> QualityObjective:
    objective = db.session.scalar(sa.select(QualityObjective).where(QualityObjective.code == code))
    if objective is None or not access.can_view_objective(current_user, objective):
        abort(404)
    return objective


@bp.route("/")
@login_required
def index():
    year = year_arg() or today_local().year
    return render_template("indicators/index.html", rows=queries.register(current_user, year), year=year,
                           can_manage=access.can_manage(current_user))


def _indicator_fields() -> dict:
    form = request.form
    return dict(
        name=form.get("name", ""), process=db.session.get(Process, form_int("process_id") or 0),
        responsible=db.session.get(User, form_int("responsible_id") or 0),
        numerator_definition=form.get("numerator_definition", ""),
        denominator_definition=form.get("denominator_definition", ""), factor=form.get("factor", ""),
        unit=form.get("unit", ""), direction=form.get("direction", ""), frequency=form.get("frequency", ""),
        objective=db.session.get(QualityObjective, form_int("objective_id") or 0),
        pmg_system_code=form.get("pmg_system_code") or None, strategic_product=form.get("strategic_product", ""),
        verification_means=form.get("verification_means", ""), is_by_sex=form.get("is_by_sex") == "1",
        is_by_region=form.get("is_by_region") == "1", region_codes=form.getlist("region_codes"))


def _indicator_form(indicator: Indicator | None):
    return render_template(
        "indicators/form.html", indicator=indicator, form=CsrfForm(), processes=active_processes(),
        people=enabled_users(), objectives=queries.objectives(current_user), units=UNITS, directions=DIRECTIONS,
        frequencies={k: v[0] for k, v in FREQUENCIES.items()}, regions=regions(),
        pmg_systems=db.session.scalars(sa.select(PmgSystem).order_by(PmgSystem.code)).all())


@bp.route("/nuevo", methods=["GET", "POST"])
@permission_required(P.INDICATOR_MANAGE)
def new():
    if request.method == "GET":
        return _indicator_form(None)
    return run(lambda: service.save_indicator(acting_user(), None, **_indicator_fields()),
               lambda i: f"Indicador {i.code} creado; fije su meta del año.", url_for("indicators.index"),
               lambda: _indicator_form(None), once=True)


@bp.route("/<indicator_code>/editar", methods=["GET", "POST"])
@permission_required(P.INDICATOR_MANAGE)
def edit(indicator_code: str):
    indicator = _indicator(indicator_code)
    if request.method == "GET":
        return _indicator_form(indicator)
    return run(lambda: service.save_indicator(acting_user(), indicator, **_indicator_fields()),
               "Indicador guardado.", url_for("indicators.detail", indicator_code=indicator.code),
               lambda: _indicator_form(indicator))


@bp.route("/<indicator_code>")
@login_required
def detail(indicator_code: str):
    return _detail_page(_indicator(indicator_code), year_arg() or today_local().year)


def _detail_page(indicator: Indicator, year: int):
    series = queries.series(indicator, year)
    keys = part_keys(indicator) if indicator.is_disaggregated else []
    # The form offers the first ended period without a measurement (else the last one ended).
    ended = [p for p in series.periods if p.end < today_local()]
    default_period = next((p.number for p in ended if p.latest is None), ended[-1].number if ended else 1)
    return render_template(
        "indicators/detail.html", indicator=indicator, year=year, series=series, form=CsrfForm(),
        chart=charts.trend(series), split_charts=charts.split_trends(series), part_keys=keys,
        default_period=default_period,
        part_field=part_field, sexes=SEXES, region_names={r.code: r.name for r in regions()},
        periods=periods_of(year, indicator.frequency), today=today_local(),
        can_measure=access.can_measure(current_user, indicator), can_manage=access.can_manage(current_user),
        people=enabled_users())


def _again(indicator: Indicator, year: int | None = None):
    """Show the indicator's year again after a refusal, with what was typed."""
    return lambda: _detail_page(indicator, year if year and 2000 <= year <= 2999 else today_local().year)


def _parts(indicator: Indicator) -> list[dict]:
    return [{"region_code": r, "sex": s, "numerator": request.form.get(part_field("n", r, s), ""),
             "denominator": request.form.get(part_field("d", r, s), "")} for r, s in part_keys(indicator)]


def _back(indicator: Indicator, year: int | None) -> str:
    return url_for("indicators.detail", indicator_code=indicator.code, year=year or None)


@bp.route("/<indicator_code>/medicion", methods=["POST"])
@login_required
def enter(indicator_code: str):
    indicator = _indicator(indicator_code)
    year = form_int("year")
    fields = dict(year=year, period=form_int("period"), numerator=request.form.get("numerator", ""),
                  denominator=request.form.get("denominator", ""), parts=_parts(indicator),
                  comment=request.form.get("comment", ""))
    if request.form.get("reason") is not None:
        return run(lambda: service.correct(acting_user(), indicator, reason=request.form.get("reason", ""), **fields),
                   lambda m: f"Corrección de {m.period_label} registrada; queda por confirmar.",
                   _back(indicator, year), _again(indicator, year))
    return run(lambda: service.enter(acting_user(), indicator, **fields),
               lambda m: f"Medición de {m.period_label} registrada: {m.value.normalize():f}. Queda por confirmar.",
               _back(indicator, year), _again(indicator, year))


@bp.route("/<indicator_code>/meta", methods=["POST"])
@permission_required(P.INDICATOR_MANAGE)
def target(indicator_code: str):
    indicator = _indicator(indicator_code)
    year = form_int("year")
    return run(lambda: service.set_target(acting_user(), indicator, year=year, target=request.form.get("target")),
               "Meta guardada.", _back(indicator, year), _again(indicator, year))


@bp.route("/medicion/<int:measurement_id>/confirmar", methods=["POST"])
@permission_required(P.INDICATOR_MANAGE)
def confirm(measurement_id: int):
    m = _measurement(measurement_id)
    return run(lambda: service.confirm(acting_user(), m), lambda m: f"Medición de {m.period_label} confirmada.",
               _back(m.indicator, m.year), _again(m.indicator, m.year))


@bp.route("/medicion/<int:measurement_id>/evidencia", methods=["POST"])
@login_required
def add_evidence(measurement_id: int):
    m = _measurement(measurement_id)
    return run(lambda: service.add_evidence(acting_user(), m, *uploaded()),
               lambda e: f"Se adjuntó «{e.filename}».", _back(m.indicator, m.year), _again(m.indicator, m.year))


@bp.route("/medicion/<int:measurement_id>/registro", methods=["POST"])
@login_required
def link_record(measurement_id: int):
    m = _measurement(measurement_id)
    return run(lambda: service.link_record(acting_user(), m, request.form.get("record_code", "")),
               lambda e: f"Se vinculó el registro {e.record_label}.", _back(m.indicator, m.year),
               _again(m.indicator, m.year))


@bp.route("/evidencia/<int:measurement_evidence_id>")
@login_required
def evidence(measurement_evidence_id: int):
    item = db.session.get(MeasurementEvidence, measurement_evidence_id)
    if item is None or not item.sha256 or not access.can_view(current_user, item.measurement.indicator):
        abort(404)
    indicator = item.measurement.indicator
    return send_stored(acting_user(), item.sha256, item.filename,
                       DownloadEntry("measurement.evidence_downloaded", "indicator", indicator.id, indicator.code))


@bp.route("/medicion/<int:measurement_id>/accion", methods=["POST"])
@permission_required(P.INDICATOR_MANAGE)
def raise_action(measurement_id: int):
    m = _measurement(measurement_id)
    return run(lambda: service.raise_action(acting_user(), m, db.session.get(User, form_int("owner_id") or 0)),
               lambda a: f"Se abrió la acción correctiva {a.code}.", _back(m.indicator, m.year),
               _again(m.indicator, m.year))


@bp.route("/bandas", methods=["GET", "POST"])
@permission_required(P.INDICATOR_VIEW)
def settings():
    from qms.indicators.common import thresholds

    def page():
        return render_template("indicators/settings.html", bands=thresholds(), form=CsrfForm(),
                               can_manage=access.can_manage(current_user))

    if request.method == "GET":
        return page()
    return run(lambda: service.set_bands(acting_user(), meets_from=request.form.get("meets_from"),
                                         partial_from=request.form.get("partial_from")),
               "Bandas de cumplimiento guardadas.", url_for("indicators.settings"), page)


# -- quality objectives ----------------------------------------------------------------------------------

@bp.route("/objetivos")
@login_required
def objectives():
    year = year_arg()
    return render_template("indicators/objectives.html", objectives=queries.objectives(current_user, year),
                           year=year, can_manage=access.can_manage(current_user))


def _objective_fields() -> dict:
    form = request.form
    return dict(year=form_int("year"), statement=form.get("statement", ""),
                owner=db.session.get(User, form_int("owner_id") or 0),
                process=db.session.get(Process, form_int("process_id") or 0),
                plan_what=form.get("plan_what", ""), plan_resources=form.get("plan_resources", ""),
                plan_responsible=form.get("plan_responsible", ""), plan_when=form.get("plan_when", ""),
                plan_evaluation=form.get("plan_evaluation", ""))


def _objective_page(objective: QualityObjective | None):
    return render_template("indicators/objective.html", objective=objective, form=CsrfForm(),
                           processes=active_processes(), people=enabled_users(), states=OBJECTIVE_STATES,
                           can_manage=access.can_manage(current_user), year=today_local().year,
                           series=queries.all_series(objective.indicators, objective.year) if objective else [])


@bp.route("/objetivos/nuevo", methods=["GET", "POST"])
@permission_required(P.INDICATOR_MANAGE)
def new_objective():
    if request.method == "GET":
        return _objective_page(None)
    return run(lambda: service.save_objective(acting_user(), None, **_objective_fields()),
               lambda o: f"Objetivo {o.code} creado.", url_for("indicators.objectives"),
               lambda: _objective_page(None), once=True)


@bp.route("/objetivos/<objective_code>", methods=["GET", "POST"])
@login_required
def objective(objective_code: str):
    item = _objective(objective_code)
    if request.method == "GET":
        return _objective_page(item)
    back = url_for("indicators.objective", objective_code=item.code)
    if request.form.get("close"):
        return run(lambda: service.close_objective(acting_user(), item, request.form.get("close", "")),
                   lambda o: f"Objetivo {o.code}: {o.state_label}.", back, lambda: _objective_page(item))
    return run(lambda: service.save_objective(acting_user(), item, **_objective_fields()),
               "Objetivo guardado.", back, lambda: _objective_page(item))


@bp.app_template_filter("num")
def num_filter(value, places: int = 1) -> str:
    from qms.indicators.compliance import shown

    return shown(value, places)
