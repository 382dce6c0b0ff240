"""Measurements to and from .xlsx, because PMG offices keep them in spreadsheets.

One row per period and, for a disaggregated indicator, per region and / or sex; the
totals of such an indicator are never read from the sheet, they are the sums of its
rows. An import goes through the same ``measurements.enter`` as the form, one savepoint
per period, so it refuses what the form refuses; a dry run (and any import with a
problem) is rolled back whole, so nothing is half-written.
"""
from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from qms.core import permissions as P
from qms.core.checks import require
from qms.errors import ServiceError
from qms.exports import xlsx_file
from qms.extensions import db
from qms.indicators import measurements
from qms.indicators.models import SEXES, Indicator, Measurement
from qms.indicators.periods import Period

HEADERS = ["Código", "Año", "Periodo", "Nombre del periodo", "Región", "Sexo", "Numerador", "Denominador",
           "Valor", "Estado", "Comentario"]
SEX_CODES = {"f": "F", "m": "M", "mujeres": "F", "hombres": "M", "mujer": "F", "hombre": "M"}


def export_rows(indicators, year: int):
    """The latest revision of every period of ``year``, with its parts."""
    ids = [i.id for i in indicators]
    by_id = {i.id: i for i in indicators}
    rows = db.session.scalars(sa.select(Measurement).where(Measurement.indicator_id.in_(ids), Measurement.year == year)
                              .order_by(Measurement.indicator_id, Measurement.period, Measurement.revision)).all()
    latest = OrderedDict(((m.indicator_id, m.period), m) for m in rows)
    for (indicator_id, number), m in sorted(latest.items(), key=lambda kv: (by_id[kv[0][0]].code, kv[0][1])):
        indicator = by_id[indicator_id]
        label = Period(year, indicator.frequency, number).short_label
        parts = m.parts or [None]
        for part in parts:
            source = part or m
            yield [indicator.code, year, number, label, getattr(part, "region_code", None),
                   SEXES.get(getattr(part, "sex", None) or ""), float(source.numerator),
                   None if source.denominator is None else float(source.denominator),
                   float(m.value) if part is None else None, m.state_label, m.comment]


def export_file(indicators, year: int):
    return xlsx_file(f"Mediciones {year}", HEADERS, export_rows(indicators, year),
                     widths=(16, 8, 8, 14, 8, 10, 12, 12, 10, 24, 40))


@dataclass
class ImportReport:
    """What an import found: problems by row (Spanish), and the periods it would write."""

    problems: list[tuple[int, str]] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _cell(row, index):
    value = row[index] if index < len(row) else None
    return "" if value is None else value


def _int(value) -> int | None:
    try:
        number = Decimal(str(value).strip())
    except Exception:  # noqa: BLE001 - any unreadable cell is reported the same way
        return None
    return int(number) if number == number.to_integral_value() else None


def read_rows(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise ServiceError("El archivo no es una planilla Excel (.xlsx) legible.", field="file") from None
    sheet = book.worksheets[0]
    rows = [(n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    book.close()
    return [(n, r) for n, r in rows[1:] if any(c not in (None, "") for c in r)]


def _group(rows, report: ImportReport) -> OrderedDict:
    """Rows grouped by (indicator, year, period); a row that cannot be read is a problem."""
    indicators = {i.code: i for i in db.session.scalars(sa.select(Indicator))}
    groups: OrderedDict = OrderedDict()
    for number, row in rows:
        code = str(_cell(row, 0)).strip().upper()
        indicator = indicators.get(code)
        year, period = _int(_cell(row, 1)), _int(_cell(row, 2))
        if indicator is None:
            report.problems.append((number, f"El indicador «{code}» no existe."))
            continue
        if year is None or period is None:
            report.problems.append((number, "El año y el periodo deben ser números enteros."))
            continue
        region = str(_cell(row, 4)).strip().upper() or None
        sex_text = str(_cell(row, 5)).strip().casefold()
        sex = SEX_CODES.get(sex_text) if sex_text else None
        if sex_text and sex is None:
            report.problems.append((number, f"El sexo «{_cell(row, 5)}» no se reconoce (use Mujeres u Hombres)."))
            continue
        groups.setdefault((indicator, year, period), []).append(
            (number, {"region_code": region, "sex": sex, "numerator": _cell(row, 6),
                      "denominator": _cell(row, 7), "comment": str(_cell(row, 10))}))
    return groups


def _enter(actor, indicator, year, period, lines) -> str:
    first = lines[0][1]
    if indicator.is_disaggregated:
        expected = set(measurements.part_keys(indicator))
        typed = [(p["region_code"], p["sex"]) for _n, p in lines]
        unknown = [k for k in typed if k not in expected]
        if unknown or len(set(typed)) != len(typed):
            raise ServiceError("Las filas de regiones y sexos no calzan con la desagregación del indicador "
                               "(una fila por cada región y sexo, sin repetir).")
        m = measurements.enter(actor, indicator, year=year, period=period, parts=[p for _n, p in lines],
                               comment=first["comment"])
    else:
        if len(lines) > 1:
            raise ServiceError("El periodo aparece en más de una fila.")
        m = measurements.enter(actor, indicator, year=year, period=period, numerator=first["numerator"],
                               denominator=first["denominator"], comment=first["comment"])
    return f"{indicator.code} {m.period_label}"


def import_measurements(actor, data: bytes, *, dry_run: bool) -> ImportReport:
    """Check (and unless ``dry_run`` write) the measurements of a sheet; any problem writes nothing.

    The caller commits when ``report.applied``, and rolls back otherwise.
    """
    require(actor, P.INDICATOR_MANAGE)
    report = ImportReport()
    groups = _group(read_rows(data), report)
    for (indicator, year, period), lines in groups.items():
        try:
            with db.session.begin_nested():
                report.periods.append(_enter(actor, indicator, year, period, lines))
        except ServiceError as error:
            report.problems.extend((n, f"{indicator.code} {year}/{period}: {error.message}") for n, _p in lines[:1])
    report.problems.sort()
    if not groups and not report.problems:
        report.problems.append((1, "La planilla no tiene filas de mediciones bajo los encabezados."))
    # Each imported measurement has its own trail entry, on its indicator (``measurements.enter``).
    report.applied = report.ok and not dry_run
    return report
