"""Read-only queries of indicators: each period's current value and compliance, the year to
date, the register with its traffic light, and the inbox items."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload, selectinload

from qms.extensions import db
from qms.indicators import access
from qms.indicators.common import thresholds
from qms.indicators.compliance import BANDS, Thresholds, band, compliance_pct, is_below_target, pooled
from qms.indicators.models import Indicator, IndicatorAction, Measurement, QualityObjective
from qms.indicators.periods import periods_of
from qms.timeutil import today_local


@dataclass
class PeriodRow:
    """One period of a year: its latest revision, the confirmed value and its compliance."""

    label: str
    number: int
    end: date
    latest: Measurement | None = None
    confirmed: Measurement | None = None
    pct: Decimal | None = None
    band: str = "none"
    below: bool = False
    actions: list = field(default_factory=list)

    @property
    def band_label(self) -> str:
        return BANDS[self.band][0]

    @property
    def tone(self) -> str:
        return BANDS[self.band][1]


@dataclass
class YearSeries:
    indicator: Indicator
    year: int
    target: Decimal | None
    periods: list[PeriodRow]
    ytd_value: Decimal | None
    ytd_pct: Decimal | None
    ytd_band: str

    @property
    def ytd_label(self) -> str:
        return BANDS[self.ytd_band][0]

    @property
    def ytd_tone(self) -> str:
        return BANDS[self.ytd_band][1]


def _measurements(indicator_ids, year: int, detail: bool = True) -> dict[int, list[Measurement]]:
    """The year's measurements of the indicators, by indicator; ``detail`` also loads their parts,
    evidence and people (an indicator's page), which summaries (the dashboard, the register) skip."""
    stmt = sa.select(Measurement).where(Measurement.indicator_id.in_(indicator_ids), Measurement.year == year)
    if detail:
        stmt = stmt.options(selectinload(Measurement.parts), selectinload(Measurement.evidence),
                            selectinload(Measurement.entered_by), selectinload(Measurement.confirmed_by))
    rows = db.session.scalars(stmt.order_by(Measurement.period, Measurement.revision)).all()
    grouped: dict[int, list[Measurement]] = {}
    for m in rows:
        grouped.setdefault(m.indicator_id, []).append(m)
    return grouped


def _links(indicator_ids) -> dict[int, list[IndicatorAction]]:
    grouped: dict[int, list[IndicatorAction]] = {}
    for link in db.session.scalars(sa.select(IndicatorAction).where(IndicatorAction.indicator_id.in_(indicator_ids))
                                   .options(selectinload(IndicatorAction.action))):
        grouped.setdefault(link.measurement_id, []).append(link)
    return grouped


def build_series(indicator: Indicator, year: int, measurements: list[Measurement], links: dict,
                 bands: Thresholds) -> YearSeries:
    """Compliance of each period and of the year so far, from the latest confirmed revisions."""
    target = indicator.target_for(year)
    rows = []
    for p in periods_of(year, indicator.frequency):
        mine = [m for m in measurements if m.period == p.number]
        confirmed = [m for m in mine if m.is_confirmed]
        row = PeriodRow(p.short_label, p.number, p.end, mine[-1] if mine else None,
                        confirmed[-1] if confirmed else None)
        if row.confirmed is not None:
            row.pct = compliance_pct(row.confirmed.value, target, indicator.direction)
            row.band = band(row.pct, bands)
            row.below = is_below_target(row.confirmed.value, target, indicator.direction)
            row.actions = [link.action for m in mine for link in links.get(m.id, [])]
        rows.append(row)
    confirmed = [r.confirmed for r in rows if r.confirmed is not None]
    ytd = pooled(((m.numerator, m.denominator) for m in confirmed), indicator.factor) if confirmed else None
    pct = compliance_pct(ytd, target, indicator.direction)
    return YearSeries(indicator, year, target, rows, ytd, pct, band(pct, bands))


def series(indicator: Indicator, year: int) -> YearSeries:
    return build_series(indicator, year, _measurements([indicator.id], year).get(indicator.id, []),
                        _links([indicator.id]), thresholds())


def visible_query(user) -> sa.Select:
    stmt = sa.select(Indicator)
    if not access.can_view_all(user):
        stmt = stmt.where(Indicator.responsible_id == user.id)
    return stmt.order_by(Indicator.code)


def register(user, year: int, only_active: bool = True) -> list[YearSeries]:
    """Every indicator the user may see with its year's compliance (a fixed number of statements)."""
    stmt = visible_query(user).options(selectinload(Indicator.targets), selectinload(Indicator.process),
                                       selectinload(Indicator.responsible), selectinload(Indicator.objective))
    if only_active:
        stmt = stmt.where(Indicator.is_active.is_(True))
    indicators = db.session.scalars(stmt).all()
    return all_series(indicators, year)


def all_series(indicators, year: int, detail: bool = False) -> list[YearSeries]:
    """The year's series of several indicators in a fixed number of statements (``detail``: with parts)."""
    ids = [i.id for i in indicators]
    measurements, links, bands = _measurements(ids, year, detail), _links(ids), thresholds()
    return [build_series(i, year, measurements.get(i.id, []), links, bands) for i in indicators]


def every_indicator() -> list[Indicator]:
    return list(db.session.scalars(sa.select(Indicator).options(selectinload(Indicator.targets))
                                   .order_by(Indicator.code)))


def traffic_light(series: list[YearSeries]) -> dict[str, int]:
    """How many of the series fall in each band this year so far (the committee's dashboard)."""
    counts = {key: 0 for key in BANDS}
    for s in series:
        counts[s.ytd_band] += 1
    return counts


def active_series(year: int) -> list[YearSeries]:
    """Every active indicator's year, with what a summary row shows loaded alongside."""
    indicators = db.session.scalars(sa.select(Indicator).where(Indicator.is_active.is_(True))
                                    .options(selectinload(Indicator.targets), selectinload(Indicator.process))
                                    .order_by(Indicator.code)).all()
    return all_series(indicators, year)


def objectives(user, year: int | None = None) -> list[QualityObjective]:
    stmt = sa.select(QualityObjective).options(selectinload(QualityObjective.indicators),
                                               selectinload(QualityObjective.owner),
                                               selectinload(QualityObjective.process))
    if year:
        stmt = stmt.where(QualityObjective.year == year)
    rows = db.session.scalars(stmt.order_by(QualityObjective.year.desc(), QualityObjective.code)).all()
    return [o for o in rows if access.can_view_objective(user, o)]


def inbox(user) -> list[dict]:
    """Measurements waiting for the committee's confirmation; periods the responsible has not measured.

    One statement for most people (their indicators), two for a responsible or the committee.
    """
    sections = []
    if access.can_manage(user):
        waiting = db.session.scalars(sa.select(Measurement).where(Measurement.state == "entered")
                                     .options(joinedload(Measurement.indicator), joinedload(Measurement.entered_by))
                                     .order_by(Measurement.entered_at)).all()
        if waiting:
            sections.append({"title": "Mediciones de indicadores por confirmar", "items": [
                {"label": f"{m.indicator.code} · {m.period_label}",
                 "url": url_for("indicators.detail", indicator_code=m.indicator.code, year=m.year),
                 "note": f"ingresada por {m.entered_by.full_name}", "overdue": False} for m in waiting]})
    today = today_local()
    mine = db.session.scalars(sa.select(Indicator).where(Indicator.responsible_id == user.id,
                                                         Indicator.is_active.is_(True))).all()
    if not mine:
        return sections
    measured = set(db.session.execute(sa.select(Measurement.indicator_id, Measurement.period).where(
        Measurement.indicator_id.in_([i.id for i in mine]), Measurement.year == today.year)).all())
    items = [{"label": f"{indicator.code} · {p.label}",
              "url": url_for("indicators.detail", indicator_code=indicator.code, year=today.year),
              "note": f"medición pendiente de {indicator.name}", "overdue": True}
             for indicator in mine for p in periods_of(today.year, indicator.frequency)
             if p.end < today and (indicator.id, p.number) not in measured]
    if items:
        sections.append({"title": "Mediciones de indicadores pendientes", "items": items})
    return sections


def objectives_summary(year: int) -> list[dict]:
    """The year's objectives with how many of their indicators meet, for a management review."""
    rows = db.session.scalars(sa.select(QualityObjective).where(QualityObjective.year == year)
                              .options(selectinload(QualityObjective.indicators).selectinload(Indicator.targets))
                              .order_by(QualityObjective.code)).all()
    out = []
    for o in rows:
        series = all_series(o.indicators, year)
        meets = sum(1 for s in series if s.ytd_band == "meets")
        out.append({"code": o.code, "statement": o.statement, "state": o.state_label,
                    "summary": f"{meets} de {len(series)} indicadores cumplen la meta a la fecha"})
    return out


def perspective_lines(year: int) -> list[str]:
    """The gender and territorial results of the year: each disaggregated indicator's value per
    sex and per region."""
    from qms.indicators.charts import part_values
    from qms.indicators.compliance import shown

    lines = []
    indicators = db.session.scalars(sa.select(Indicator).where(
        Indicator.is_active.is_(True), sa.or_(Indicator.is_by_sex.is_(True), Indicator.is_by_region.is_(True)))
        .options(selectinload(Indicator.targets)).order_by(Indicator.code)).all()
    for s in all_series(indicators, year, detail=True):
        values = part_values(s)
        if values:
            lines.append(f"{s.indicator.code}: " + "; ".join(f"{k} {shown(v)}" for k, v in values.items()) + ".")
    return lines


def summary_rows(series) -> list[list[str]]:
    """``[indicator, «value unit (meta …; band)»]`` rows of a year's series, as reports print them."""
    from qms.indicators.compliance import shown

    return [[f"{s.indicator.code} {s.indicator.name}",
             f"{shown(s.ytd_value)} {s.indicator.unit_label} (meta {shown(s.target)}; {s.ytd_label})"]
            for s in series]


#: Trend charts a report carries at most (each is a picture; the table lists every indicator).
REPORT_TRENDS = 12


def trend_charts(series, limit: int = REPORT_TRENDS) -> list[dict]:
    """``[{"title", "chart"}]``: each indicator's trend against its target line, as its page
    draws it, furthest from the target first (those without a compliance figure last)."""
    from qms.indicators.charts import trend

    ranked = sorted(series, key=lambda s: (s.ytd_pct is None, s.ytd_pct if s.ytd_pct is not None else 0,
                                           s.indicator.code))
    return [{"title": f"{s.indicator.code} {s.indicator.name}", "chart": trend(s)} for s in ranked[:limit]]
