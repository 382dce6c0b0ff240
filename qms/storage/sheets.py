"""Read a metadata sheet (.csv or .xlsx) of an import: one dict per row, headers normalised.

Headers are matched without case, accents or surrounding spaces (``Código`` is
``codigo``), so the sheet an institution fills in by hand is read as written. Missing
and unknown columns are refused with the column names, before any row is looked at.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from qms.storage.archives import UploadRefused, check_zip_limits

#: Rows a sheet may hold: an institution's whole register fits many times over.
MAX_ROWS = 20000


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet: its number as the spreadsheet shows it, and its cells."""

    number: int
    cells: dict[str, str]


def normalise(header: str) -> str:
    """Return ``header`` lower-case, without accents, spaces as underscores."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode("ascii")
    return "_".join(text.strip().lower().split())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # a sheet saved by an older Excel as "CSV (delimitado por comas)"
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl

    check_zip_limits(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise UploadRefused("La planilla .xlsx no se pudo abrir; guárdela de nuevo en Excel.") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_sheet(data: bytes, filename: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[SheetRow]:
    """Return the sheet's non-empty rows; raise UploadRefused when its columns are not ``required``."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise UploadRefused("La planilla de metadatos debe ser .csv o .xlsx.")
    if not rows:
        raise UploadRefused("La planilla de metadatos está vacía.")
    headers = [normalise(h) for h in rows[0]]
    missing = [h for h in required if h not in headers]
    extra = [h for h in headers if h and h not in required and h not in optional]
    if missing or extra:
        parts = []
        if missing:
            parts.append("faltan las columnas " + ", ".join(missing))
        if extra:
            parts.append("sobran las columnas " + ", ".join(extra))
        raise UploadRefused(f"La planilla no tiene las columnas esperadas: {'; '.join(parts)}. "
                            f"Use la planilla modelo.")
    if len(rows) - 1 > MAX_ROWS:
        raise UploadRefused(f"La planilla tiene demasiadas filas ({len(rows) - 1}; máximo {MAX_ROWS}).")
    found = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {h: _cell(values[i]) if i < len(values) else "" for i, h in enumerate(headers) if h}
        if any(cells.values()):
            found.append(SheetRow(number, cells))
    return found

