"""Shared pieces of the template builders: sober styles, a trimmed package, the header.

Imported by ``build.py`` (controlled documents) and ``reports.py`` (report templates).
"""
from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from qms.docgen import layout, ooxml  # noqa: E402

FONT = "Arial"
INK = RGBColor(0x1F, 0x1F, 0x1F)


# -- styles -----------------------------------------------------------------------------
def _font(style, size: float, bold: bool | None = None, italic: bool | None = None, color=INK) -> None:
    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = color


def sober_styles(document) -> None:
    """Restyle python-docx's default template: one sans font, black headings, tight spacing."""
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, 10)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level, size in ((1, 12), (2, 11), (3, 10.5), (4, 10)):
        heading = styles[f"Heading {level}"]
        _font(heading, size, bold=True, italic=False)
        fmt = heading.paragraph_format
        fmt.space_before = Pt(14 if level == 1 else 10)
        fmt.space_after = Pt(6 if level == 1 else 4)
        fmt.keep_with_next = True
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        # Number, tab, title: titles line up whatever the number's width.
        fmt.left_indent = Cm(1.2)
        fmt.first_line_indent = Cm(-1.2)
        fmt.tab_stops.add_tab_stop(Cm(1.2))
    title = styles["Title"]
    _font(title, 16, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(4)
    # The default Title has a coloured bottom border: not sober.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    subtitle = styles["Subtitle"]
    _font(subtitle, 10, italic=False, color=layout.GREY)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(12)
    for name in ("Header", "Footer", "List Paragraph"):
        _font(styles[name], 9 if name != "List Paragraph" else 10)
    styles["List Paragraph"].paragraph_format.space_after = Pt(2)
    styles["List Paragraph"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if "Table Text" not in [s.name for s in styles]:
        table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = normal
        _font(table_text, 9)


#: Styles the templates and the Markdown renderer use; python-docx's default template
#: carries some 160 more (and their "with effects" copy), 800 kB that every render would
#: parse and compress again.
KEPT_STYLES = {
    "Normal", "Default Paragraph Font", "Normal Table", "No List", "Table Grid", "Title", "Subtitle",
    "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 1 Char", "Heading 2 Char", "Heading 3 Char",
    "Heading 4 Char", "Title Char", "Subtitle Char", "Header", "Header Char", "Footer", "Footer Char",
    "List Paragraph", "Table Text",
}
UNUSED_RELATIONSHIPS = ("stylesWithEffects", "customXml", "thumbnail")


def trim_package(document) -> None:
    """Drop the unused styles, latent styles and optional parts of the default template."""
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        # Word stores built-in names in lower case ("heading 1").
        if name is None or name.get(qn("w:val")).lower() not in {k.lower() for k in KEPT_STYLES}:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    for part in (document.part, document.part.package):
        for rel_id, rel in list(part.rels.items()):
            if any(word in rel.reltype for word in UNUSED_RELATIONSHIPS):
                part.rels.pop(rel_id)


def new_document(title: str):
    """Return an empty document with the sober styles and Letter page setup."""
    document = docx.Document()
    sober_styles(document)
    trim_package(document)
    layout.page_setup(document, "letter")
    document.core_properties.title = title
    document.core_properties.author = "{{ institution.name }}"
    document.core_properties.comments = ""
    document.core_properties.subject = ""
    document.core_properties.identifier = ""
    # Start from an empty body: python-docx's default has no paragraph, keep it so.
    return document


def _clear(story) -> None:
    """Remove the empty paragraph python-docx puts in a new header or footer."""
    for paragraph in list(story.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)


def header(document, type_name: str, title: str, lines: list[str]) -> None:
    section = document.sections[0]
    section.header.is_linked_to_previous = False
    _clear(section.header)
    layout.header_block(
        section.header,
        {"institution": "{{ institution.name }}", "logo": "{{ logo }}", "type_name": type_name, "title": title, "lines": lines},
    )


def tag_paragraph(container, tag: str) -> None:
    """Add a paragraph holding only a docxtpl paragraph tag (``{%p ... %}``)."""
    paragraph = container.add_paragraph()
    paragraph.add_run(tag)


# -- tables and headings of reports -------------------------------------------------
def field_table(document, rows: list[tuple[str, str]]) -> None:
    """A two-column table: label | value."""
    table = layout._table(document, len(rows), [5.0, 11.5])
    for row, (label, value) in enumerate(rows):
        layout._cell_text(table.cell(row, 0), label, bold=True)
        ooxml.shade_cell(table.cell(row, 0))
        layout._cell_text(table.cell(row, 1), value)
    ooxml.compact(document.add_paragraph(), after=2)


def loop_table(document, columns: list[tuple[str, float]], loop: str, cells: list[str]) -> None:
    """A table with a header row and one row repeated for each item of ``loop``."""
    table = layout._table(document, 4, [width for _label, width in columns])
    for col, (label, _width) in enumerate(columns):
        layout._cell_text(table.cell(0, col), label, bold=True)
        ooxml.shade_cell(table.cell(0, col))
    ooxml.repeat_header_row(table.rows[0])
    layout._cell_text(table.cell(1, 0), "{%tr for " + loop + " %}")
    for col, value in enumerate(cells):
        layout._cell_text(table.cell(2, col), value)
    layout._cell_text(table.cell(3, 0), "{%tr endfor %}")
    ooxml.compact(document.add_paragraph(), after=2)


def heading(document, number: str, text: str, level: int = 1) -> None:
    paragraph = document.add_paragraph(style=f"Heading {level}")
    paragraph.add_run(number)
    paragraph.add_run().add_tab()
    paragraph.add_run(text)


def text_block(document, tag: str) -> None:
    """A paragraph of free text typed by a person.

    Left-aligned, not justified: the text keeps the line breaks its author typed, and
    a justified line ending in a manual break is stretched across the page by Word.
    """
    paragraph = document.add_paragraph(tag)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
