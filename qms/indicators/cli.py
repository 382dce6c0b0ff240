"""``qms indicators list [--json]`` and ``qms indicators export YEAR -o FILE.xlsx`` for operators and scripts."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
from flask.cli import with_appcontext

from qms.timeutil import today_local


@click.group("indicators")
def indicators_group():
    """Indicadores de la calidad: registro y mediciones."""


def _number(value):
    return None if value is None else float(value)


@indicators_group.command("list")
@click.option("--year", type=int, default=None, help="Año del cumplimiento (por omisión, el actual).")
@click.option("--json", "as_json", is_flag=True, help="Salida JSON para scripts.")
@with_appcontext
def list_command(year: int | None, as_json: bool):
    """Print every indicator with its target and compliance of the year so far."""
    from qms.indicators import queries

    year = year or today_local().year
    series = queries.all_series(queries.every_indicator(), year)
    rows = [{"code": s.indicator.code, "name": s.indicator.name, "process": s.indicator.process.code,
             "unit": s.indicator.unit, "direction": s.indicator.direction, "frequency": s.indicator.frequency,
             "year": year, "target": _number(s.target), "ytd_value": _number(s.ytd_value),
             "ytd_compliance_pct": _number(s.ytd_pct), "band": s.ytd_band, "active": s.indicator.is_active}
            for s in series]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from qms.indicators.compliance import BANDS, shown

    for row, s in zip(rows, series):
        click.echo(f"{row['code']:<14} {row['process']:<6} meta {shown(s.target):>7} · año {shown(s.ytd_value):>7} "
                   f"· {BANDS[row['band']][0]:<20} {row['name']}")


@indicators_group.command("export")
@click.argument("year", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Archivo .xlsx de salida.")
@with_appcontext
def export_command(year: int, output: str):
    """Write every measurement of YEAR (latest revision of each period, with its parts) to an .xlsx."""
    from qms.indicators import queries, transfer

    indicators = queries.every_indicator()
    with transfer.export_file(indicators, year) as sheet, open(output, "wb") as target:
        shutil.copyfileobj(sheet, target)
    click.echo(f"{len(indicators)} indicadores, mediciones de {year} -> {Path(output)}")
