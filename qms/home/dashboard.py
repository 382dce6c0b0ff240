"""The committee's dashboard: one page of charts over every module's data.

It gathers what several modules contribute, so it lives in the app shell and reads each
module only through its ``queries.py``. Every figure is computed here; the browser only
draws the plain dicts (``static/charts.js``).
"""
from __future__ import annotations

from flask import Blueprint, render_template

from qms.actions import queries as actions
from qms.audits import queries as audits
from qms.core import permissions as P
from qms.documents import queries as documents
from qms.indicators import queries as indicators
from qms.indicators.compliance import BANDS
from qms.nonconformities import queries as nonconformities
from qms.timeutil import today_local
from qms.web import permission_required, year_arg

bp = Blueprint("dashboard", __name__)

MONTHS = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]


def _bars(labels, values, label: str, **extra) -> dict:
    return {"type": "bar", "integer": True, "labels": list(labels), "datasets": [{"label": label, "data": list(values)}],
            **extra}


def charts(year: int, series) -> dict:
    """The dashboard's figures for ``year`` (documents, CAPA, PNC, findings, and the indicators' ``series``)."""
    document_states = documents.version_state_counts()
    due = documents.review_due_counts()
    capa = actions.state_and_age_counts()
    pnc = nonconformities.per_month_and_process(year)
    clauses = audits.findings_by_clause(year)
    light = indicators.traffic_light(series)
    acks, ack_total = documents.pending_acknowledgements()
    return {
        "documents": _bars(document_states, document_states.values(), "Versiones"),
        "reviews_overdue": due["overdue"], "reviews_soon": due["soon"],
        "capa_states": _bars(capa["states"], capa["states"].values(), "Acciones"),
        "capa_ages": _bars(capa["ages"], capa["ages"].values(), "Acciones abiertas"),
        "capa_open": sum(capa["ages"].values()),
        "pnc": {"type": "bar", "stacked": True, "integer": True, "labels": MONTHS, "datasets": [
            {"label": code, "data": pnc["counts"][code], "stack": "pnc"} for code in pnc["processes"]]},
        "pnc_total": pnc["total"],
        "clauses": _bars([c for c, _n in clauses], [n for _c, n in clauses], "Hallazgos", horizontal=True),
        "light": {"type": "doughnut", "labels": [BANDS[k][0] for k in light],
                  "datasets": [{"label": "Indicadores", "data": list(light.values()),
                                "tones": [BANDS[k][1] for k in light]}]},
        "light_counts": [(BANDS[k][0], BANDS[k][1], n) for k, n in light.items()],
        "acks": acks, "ack_total": ack_total,
    }


@bp.route("/tablero")
@permission_required(P.INDICATOR_VIEW)
def index():
    year = year_arg() or today_local().year
    series = indicators.active_series(year)
    return render_template("home/dashboard.html", year=year, data=charts(year, series), series=series)
