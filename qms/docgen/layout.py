"""The controlled parts every document carries: header, footer, approval block, change table.

The same functions draw them twice: ``document_templates/build.py`` fills them with
Jinja tags to make the templates, and ``stamp.py`` fills them with the signed values
when it stamps a file authored in Word. One drawing, so both kinds of file look alike.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from qms.docgen import ooxml
from qms.docgen.markdown_word import TEXT_WIDTH_CM

GREY = RGBColor(0x59, 0x59, 0x59)
#: Paper sizes (width, height) in cm; the text column is the same on both.
PAPER = {"a4": (21.0, 29.7), "letter": (21.59, 27.94)}


@dataclass
class Picture:
    """An image to place in a run: PNG or JPEG bytes and the height to print it at."""

    data: bytes
    height_cm: float


def put(paragraph, value, size: float | None = None, bold: bool = False, color: RGBColor | None = None):
    """Write ``value`` (text, Jinja tag or Picture) into ``paragraph``; return the run."""
    run = paragraph.add_run()
    if isinstance(value, Picture):
        run.add_picture(io.BytesIO(value.data), height=Cm(value.height_cm))
        return run
    run.text = ooxml.clean_text(value)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    if color is not None:
        run.font.color.rgb = color
    return run


def _table(container, rows: int, widths: list[float]):
    from docx.document import Document

    if isinstance(container, Document):
        table = container.add_table(rows=rows, cols=len(widths))
    else:
        table = container.add_table(rows, len(widths), Cm(sum(widths)))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.set_borders(table)
    ooxml.set_cell_margins(table)
    ooxml.set_fixed_layout(table, widths)
    return table


def _cell_text(cell, value, size: float = 9, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT, color=None):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    ooxml.compact(paragraph)
    put(paragraph, value, size=size, bold=bold, color=color)
    return paragraph


def header_block(container, fields: dict) -> None:
    """Draw the page header table.

    ``fields``: institution, logo (Picture, tag or ""), type_name, title, and ``lines``:
    the three texts of the right column ("Código: ...", "Versión 01", "Vigencia: ...").
    The fourth line, "Página X de Y", is made of PAGE and NUMPAGES fields.
    """
    table = _table(container, 4, [4.3, 8.0, 4.2])
    left = table.cell(0, 0).merge(table.cell(3, 0))
    middle = table.cell(0, 1).merge(table.cell(3, 1))
    for cell in (left, middle):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    logo = fields.get("logo")
    if logo:
        logo_paragraph = left.paragraphs[0]
        logo_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        ooxml.compact(logo_paragraph, after=2)
        put(logo_paragraph, logo)
        name_paragraph = left.add_paragraph()
    else:
        name_paragraph = left.paragraphs[0]
    name_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ooxml.compact(name_paragraph)
    put(name_paragraph, fields["institution"], size=8.5, bold=True)

    kind = _cell_text(middle, fields["type_name"], size=8, align=WD_ALIGN_PARAGRAPH.CENTER, color=GREY)
    kind.runs[0].font.all_caps = True
    title = middle.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ooxml.compact(title, before=2)
    put(title, fields["title"], size=11, bold=True)

    for row, line in enumerate(fields["lines"]):
        _cell_text(table.cell(row, 2), line, size=8.5, bold=row == 0)
    page = _cell_text(table.cell(3, 2), "Página ", size=8.5)
    ooxml.add_field(page, "PAGE", 8.5)
    _sized(page.add_run(" de "), 8.5)
    ooxml.add_field(page, "NUMPAGES", 8.5)
    # Word wants a paragraph after a table at the end of a header.
    ooxml.compact(container.add_paragraph(), after=0)


def _sized(run, size: float):
    run.font.size = Pt(size)
    return run


def document_lines(code, version_label, effective_date) -> list[str]:
    """Return the right-column header lines of a controlled document."""
    return [f"Código: {code}", version_label, f"Vigencia: {effective_date}"]


#: Printed size of the verification QR (quiet zone included) and the width of its cell.
QR_HEIGHT_CM = 2.2
QR_CELL_CM = 2.5


def footer_block(container, fields: dict) -> None:
    """Draw the footer: QR code and the verification code with where to check it.

    ``fields``: qr (Picture, tag or ""), code, url.
    """
    table = _table(container, 1, [QR_CELL_CM, TEXT_WIDTH_CM - QR_CELL_CM])
    ooxml.set_borders(table, size=0, color="FFFFFF")
    # No side margins: the QR (with its own quiet zone) fills its cell; with LibreOffice's
    # default margins a 1.7 cm code in a 2 cm cell lost its right edge and did not scan.
    ooxml.set_cell_margins(table, top=0, bottom=0, left=0, right=0)
    qr_paragraph = table.cell(0, 0).paragraphs[0]
    ooxml.compact(qr_paragraph)
    if fields.get("qr"):
        put(qr_paragraph, fields["qr"])
    text = table.cell(0, 1)
    text.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _cell_text(text, f"Código de verificación: {fields['code']}", size=8, bold=True)
    line = text.add_paragraph()
    ooxml.compact(line)
    put(line, f"Verifique si esta copia está vigente en {fields['url']}", size=7.5, color=GREY)
    line = text.add_paragraph()
    ooxml.compact(line)
    put(line, "Copia controlada solo en el sistema; impresa o descargada, confirme su vigencia.", size=7.5, color=GREY)
    for paragraph in text.paragraphs:
        paragraph.paragraph_format.left_indent = Cm(0.25)  # the cell has no margin of its own


APPROVAL_ROLES = (("authored", "Elaboró"), ("reviewed", "Revisó"), ("approved", "Aprobó"))
APPROVAL_ROWS = (("name", "Nombre"), ("position", "Cargo"), ("date", "Fecha"))


def approval_block(container, values) -> None:
    """Draw the approval table (Elaboró / Revisó / Aprobó: name, position, date).

    ``values(role, field)`` returns what goes in each cell (a tag or a value).
    """
    table = _table(container, 4, [2.7, 4.6, 4.6, 4.6])
    ooxml.shade_cell(table.cell(0, 0))
    for col, (_role, label) in enumerate(APPROVAL_ROLES, start=1):
        _cell_text(table.cell(0, col), label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        ooxml.shade_cell(table.cell(0, col))
    for row, (field, label) in enumerate(APPROVAL_ROWS, start=1):
        _cell_text(table.cell(row, 0), label, bold=True)
        ooxml.shade_cell(table.cell(row, 0))
        for col, (role, _label) in enumerate(APPROVAL_ROLES, start=1):
            _cell_text(table.cell(row, col), values(role, field), align=WD_ALIGN_PARAGRAPH.CENTER)


CHANGE_COLUMNS = (("Versión", 1.8), ("Fecha", 2.3), ("Descripción del cambio", 8.2), ("Elaborado por", 4.2))


def change_table(container, rows: list[list[str]], loop: tuple[str, str] | None = None) -> None:
    """Draw the change-control table under its title.

    ``rows`` are the cell texts; with ``loop`` (docxtpl ``{%tr for %}`` and
    ``{%tr endfor %}``) the single row of ``rows`` is repeated by the template.
    """
    title = container.add_paragraph()
    ooxml.compact(title, before=10, after=3)
    ooxml.keep_with_next(title)
    put(title, "Control de cambios", size=10, bold=True)
    extra = 2 if loop else 0
    table = _table(container, 1 + len(rows) + extra, [width for _label, width in CHANGE_COLUMNS])
    for col, (label, _width) in enumerate(CHANGE_COLUMNS):
        _cell_text(table.cell(0, col), label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        ooxml.shade_cell(table.cell(0, col))
    ooxml.repeat_header_row(table.rows[0])
    first = 1
    if loop:
        _cell_text(table.cell(1, 0), loop[0])
        _cell_text(table.cell(len(rows) + 2, 0), loop[1])
        first = 2
    for offset, values in enumerate(rows):
        for col, value in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.LEFT if col >= 2 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(table.cell(first + offset, col), value, align=align)


def page_setup(document, paper: str = "letter") -> None:
    """Size every section for ``paper`` with margins that keep the same text width."""
    width, height = PAPER[paper]
    side = (width - TEXT_WIDTH_CM) / 2
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
        section.left_margin = section.right_margin = Cm(side)
        section.top_margin, section.bottom_margin = Cm(3.6), Cm(2.6)
        section.header_distance, section.footer_distance = Cm(1.0), Cm(0.8)
