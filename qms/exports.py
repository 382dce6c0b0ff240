"""Spreadsheet exports (.xlsx) shared by the register and follow-up lists."""
from __future__ import annotations

import io
from datetime import date


def xlsx_bytes(title: str, headers: list[str], rows, widths=(), freeze: str = "A2") -> bytes:
    """Return one sheet with a bold header row; dates become real dates shown dd-mm-aaaa."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(list(values))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD-MM-YYYY"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
