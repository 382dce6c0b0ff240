"""The input pack of a management review, compiled from QMS data for the review's period.

One section per input of ISO 9001 9.3.2 (a–f, c in its seven parts) plus the PMG's
results with gender and territorial perspective. Every section is plain values (lines,
two-column tables and a chart spec) so it can be frozen as JSON when the review is held
and rendered alike on the page and in the acta. Other modules are read only through
their ``queries.py``.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.actions import queries as actions
from qms.audits import queries as audits
from qms.documents import queries as documents
from qms.extensions import db
from qms.indicators import queries as indicators
from qms.nonconformities import queries as nonconformities
from qms.org.models import Process
from qms.timeutil import format_date, format_datetime, now_utc

#: Input key -> title, in the order of the minutes.
INPUTS = {
    "a_previous": "a) Estado de las acciones de las revisiones por la dirección previas",
    "b_context": "b) Cambios en las cuestiones externas e internas pertinentes al SGC",
    "c1_satisfaction": "c.1) Satisfacción de los usuarios y retroalimentación",
    "c2_objectives": "c.2) Grado de cumplimiento de los objetivos de la calidad",
    "c3_processes": "c.3) Desempeño de los procesos y conformidad de los productos y servicios",
    "c4_nonconformities": "c.4) No conformidades y acciones correctivas",
    "c5_monitoring": "c.5) Resultados del seguimiento y la medición",
    "c6_audits": "c.6) Resultados de las auditorías",
    "c7_providers": "c.7) Desempeño de los proveedores externos",
    "d_resources": "d) Adecuación de los recursos",
    "e_risks": "e) Eficacia de las acciones tomadas para abordar los riesgos y las oportunidades",
    "f_improvement": "f) Oportunidades de mejora",
    "pmg_perspectives": "PMG: resultados con enfoque de género y perspectiva territorial",
}


def _table(title: str, counts: dict) -> dict:
    return {"title": title, "rows": [[str(k), str(v)] for k, v in counts.items()]}


def _bars(counts: dict, label: str) -> dict:
    return {"type": "bar", "integer": True, "labels": [str(k) for k in counts], "datasets": [{"label": label,
                                                                              "data": list(counts.values())}]}


def _section(key: str, facts=(), tables=(), chart=None, trends=()) -> dict:
    return {"key": key, "title": INPUTS[key], "facts": [f for f in facts if f], "tables": list(tables),
            "chart": chart, "trends": list(trends)}


def _indicator_rows(series) -> list[list[str]]:
    return indicators.summary_rows(series)


def _pct(value) -> str:
    return f"{value:.1f}".replace(".", ",")


def _previous(previous_decisions: list) -> dict:
    lines = []
    for d in previous_decisions:
        action = f"; acción {d['action_code']} ({d['action_state']})" if d.get("action_code") else ""
        lines.append(f"{d['label']} · {d['kind']}: {d['description']} — {d['owner']}, plazo {d['due_date']}{action}")
    return _section("a_previous", lines or ["No hay decisiones de revisiones anteriores."])


def compile_pack(start, end, year: int, previous_decisions: list) -> dict:
    """The input pack of the period ``start``–``end`` (indicators of ``year``)."""
    docs = documents.review_changes(start, end)
    capa = actions.review_summary(start, end)
    pnc = nonconformities.review_summary(start, end)
    aud = audits.review_summary(start, end)
    series = indicators.active_series(year)
    objectives = indicators.objectives_summary(year)
    by_process: dict = {}
    for s in series:
        by_process.setdefault(s.indicator.process.code, []).append(s)
    satisfaction = [s for s in series if s.indicator.process.code == "SIAC"]
    providers = [s for s in series if s.indicator.process.code == "CCP"]
    split = [s for s in series if s.indicator.is_disaggregated]
    sections = [
        _previous(previous_decisions),
        _section("b_context", [f"Documentos emitidos: {len(docs['issued'])}; revisados: {len(docs['revised'])}; "
                               f"obsoletos: {len(docs['obsolete'])}."]
                 + [f"Emitido: {x}" for x in docs["issued"]] + [f"Revisado: {x}" for x in docs["revised"]]
                 + [f"Obsoleto: {x}" for x in docs["obsolete"]]),
        _section("c1_satisfaction", [f"PNC del proceso de atención ciudadana: {len(pnc['users'])}."] + pnc["users"]
                 + [f"Acciones con origen en reclamos SIAC: {len(capa['siac'])}."] + capa["siac"],
                 [{"title": "Indicadores de satisfacción y atención", "rows": _indicator_rows(satisfaction)}]),
        _section("c2_objectives", [f"{o['code']} ({o['state']}): {o['statement']} — {o['summary']}"
                                   for o in objectives] or ["No hay objetivos de la calidad para el año."]),
        _section("c3_processes", [f"PNC detectados en el periodo: {pnc['total']}."],
                 [_table("PNC por proceso", pnc["by_process"])]
                 + [{"title": f"Indicadores del proceso {code}", "rows": _indicator_rows(items)}
                    for code, items in sorted(by_process.items())],
                 _bars(pnc["by_process"], "PNC")),
        _section("c4_nonconformities", [
            f"Acciones abiertas en el periodo: {capa['total']}.",
            f"Verificaciones de eficacia resueltas: {capa['verified']}, eficaces: {capa['effective']}"
            + (f" (tasa de eficacia {_pct(capa['effectiveness_pct'])} %)." if capa["effectiveness_pct"] is not None
               else ".")],
            [_table("Acciones por estado", capa["by_state"]), _table("Acciones por origen", capa["by_source"]),
             _table("Acciones abiertas por antigüedad", capa["ages"]), _table("PNC por estado", pnc["by_state"])],
            _bars(capa["by_state"], "Acciones")),
        _section("c5_monitoring", [f"Indicadores vigentes: {len(series)}."],
                 [{"title": "Cumplimiento del año a la fecha", "rows": _indicator_rows(series)}],
                 _bars(_band_counts(series), "Indicadores"), indicators.trend_charts(series)),
        _section("c6_audits", [f"Auditorías del periodo: {aud['planned']} planificadas, {aud['done']} realizadas "
                               "(informadas o cerradas)."]
                 + [f"{a['code']} {a['title']} ({a['state']})" for a in aud["audits"]],
                 [_table("Hallazgos por tipo", aud["by_kind"]), _table("Hallazgos por cláusula", aud["by_clause"]),
                  _table("Hallazgos por proceso", aud["by_process"])], _bars(aud["by_clause"], "Hallazgos")),
        _section("c7_providers", ["Indicadores del proceso de compras públicas:" if providers else
                                  "No hay indicadores de proveedores; el comité lo analiza en el texto."],
                 [{"title": "Proveedores externos", "rows": _indicator_rows(providers)}] if providers else []),
        _section("d_resources", ["Entrada de texto: el comité registra su análisis de los recursos."]),
        _section("e_risks", [f"Acciones preventivas del periodo: {len(capa['preventive'])}."] + capa["preventive"]),
        _section("f_improvement", [f"Oportunidades de mejora de auditorías: {len(aud['opportunities'])}."]
                 + aud["opportunities"] + [f"Acciones de mejora: {len(capa['improvement'])}."] + capa["improvement"]),
        _section("pmg_perspectives", _flagged_processes() + indicators.perspective_lines(year),
                 [{"title": "Indicadores desagregados por sexo o región", "rows": _indicator_rows(split)}]),
    ]
    return {"compiled_at": format_datetime(now_utc()), "period": f"{format_date(start)} al {format_date(end)}",
            "year": year, "sections": sections}


def _flagged_processes() -> list[str]:
    """Each process whose strategic products carry the gender or territorial flag, with the state
    of its procedures (the controlled documents of the process)."""
    lines = []
    flagged = db.session.scalars(sa.select(Process).where(sa.or_(Process.has_gender_focus.is_(True),
                                                                 Process.has_territorial_focus.is_(True)))
                                 .order_by(Process.code)).all()
    for p in flagged:
        focus = " y ".join(x for x in ("enfoque de género" if p.has_gender_focus else "",
                                       "perspectiva territorial" if p.has_territorial_focus else "") if x)
        docs = [f"{d.code} ({d.latest_version.state_label if d.latest_version else 'sin versión'})"
                for d in documents.documents_of_process(p.id)]
        lines.append(f"Proceso {p.code} {p.name} ({focus}): " + (", ".join(docs) if docs else
                                                                "sin procedimientos registrados") + ".")
    return lines


def _band_counts(series) -> dict:
    counts: dict = {}
    for s in series:
        counts[s.ytd_label] = counts.get(s.ytd_label, 0) + 1
    return counts
