"""What the charts of an indicator show, as plain dicts for Chart.js (``static/charts.js``).

The page puts each dict in a ``data-chart`` attribute; the script draws it. No figure is
computed in the browser: the values are the ones the tables show.
"""
from __future__ import annotations

from decimal import Decimal

from qms.indicators.compliance import pooled, rounded
from qms.indicators.models import SEXES


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(rounded(value, 2))


def _target_line(series, count: int) -> dict:
    return {"label": "Meta", "data": [_number(series.target)] * count, "kind": "target"}


def trend(series) -> dict:
    """The value of each period against the target line."""
    labels = [p.label for p in series.periods]
    values = [_number(p.confirmed.value) if p.confirmed else None for p in series.periods]
    return {"type": "line", "labels": labels, "unit": series.indicator.unit_label,
            "datasets": [{"label": series.indicator.code, "data": values}, _target_line(series, len(labels))]}


def _part_value(measurement, factor: Decimal, keep) -> Decimal | None:
    parts = [(p.numerator, p.denominator) for p in measurement.parts if keep(p)]
    return pooled(parts, factor) if parts else None


def split_trends(series) -> list[dict]:
    """By sex: one line per sex over the periods; by region: the year so far per region, as bars."""
    indicator, charts = series.indicator, []
    confirmed = [p.confirmed for p in series.periods if p.confirmed is not None]
    if indicator.is_by_sex:
        labels = [p.label for p in series.periods]
        datasets = [{"label": label, "data": [
            _number(_part_value(p.confirmed, indicator.factor, lambda part, s=sex: part.sex == s))
            if p.confirmed else None for p in series.periods]} for sex, label in SEXES.items()]
        charts.append({"type": "line", "title": "Por sexo", "labels": labels, "unit": indicator.unit_label,
                       "datasets": datasets + [_target_line(series, len(labels))]})
    if indicator.is_by_region and confirmed:
        codes = list(dict.fromkeys(p.region_code for m in confirmed for p in m.parts if p.region_code))
        values = []
        for code in codes:
            parts = [(p.numerator, p.denominator) for m in confirmed for p in m.parts if p.region_code == code]
            values.append(_number(pooled(parts, indicator.factor)))
        charts.append({"type": "bar", "title": "Por región (año a la fecha)", "labels": codes,
                       "unit": indicator.unit_label,
                       "datasets": [{"label": indicator.code, "data": values}, _target_line(series, len(codes))]})
    return charts


def part_values(series) -> dict[str, Decimal | None]:
    """The year so far per sex and per region of a disaggregated indicator (labels: «Mujeres», «V»)."""
    confirmed = [p.confirmed for p in series.periods if p.confirmed is not None]
    parts = [part for m in confirmed for part in m.parts]
    factor, out = series.indicator.factor, {}
    for sex, label in SEXES.items():
        mine = [(p.numerator, p.denominator) for p in parts if p.sex == sex]
        if mine:
            out[label] = pooled(mine, factor)
    for code in dict.fromkeys(p.region_code for p in parts if p.region_code):
        out[code] = pooled([(p.numerator, p.denominator) for p in parts if p.region_code == code], factor)
    return out
