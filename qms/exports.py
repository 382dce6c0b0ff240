"""Spreadsheet exports (.xlsx) shared by the register and follow-up lists.

Workbooks are written in openpyxl's write-only mode: each row goes to a temporary file as
it is appended, so an export of 20,000 records holds one batch of rows in memory, not
the whole sheet, and the caller can feed rows from a query read in batches.
"""
from __future__ import annotations

import tempfile
from datetime import date
from typing import IO, Iterable


def xlsx_file(title: str, headers: list[str], rows: Iterable, widths=(), freeze: str = "A2") -> IO[bytes]:
    """Return one sheet (bold header, dates shown dd-mm-aaaa) as a file read from its start."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    # Column widths and frozen panes must be set before the first row is written.
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    bold = Font(bold=True)

    def header_cell(text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    def value_cell(value):
        if not isinstance(value, date):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD-MM-YYYY"
        return cell

    sheet.append([header_cell(h) for h in headers])
    for values in rows:
        sheet.append([value_cell(v) for v in values])
    output = tempfile.TemporaryFile()
    book.save(output)
    output.seek(0)
    return output


def xlsx_bytes(title: str, headers: list[str], rows: Iterable, widths=(), freeze: str = "A2") -> bytes:
    """Return the workbook of ``xlsx_file`` as bytes (for small sheets and tests)."""
    with xlsx_file(title, headers, rows, widths, freeze) as output:
        return output.read()
