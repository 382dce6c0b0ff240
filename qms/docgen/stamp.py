"""Stamp documents: a state mark on every page, and the controlled parts of a Word upload.

Nothing here runs a template: an uploaded file is only ever edited with python-docx,
so text such as ``{{ ... }}`` typed in it stays text.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from qms.docgen import layout, ooxml

#: Tag of the content control holding title, approval block and change table.
CONTROL_TAG = "qms-control"
MARK_COLOR = RGBColor(0xC0, 0x00, 0x00)
#: Text printed at the top of every page, by mark.
MARK_LINES = {
    "BORRADOR": "BORRADOR — documento no aprobado, sin validez como copia controlada",
    "OBSOLETO": "OBSOLETO — versión reemplazada, solo para consulta histórica",
    "ANULADO": "ANULADO — versión retirada, sin validez",
}


def _headers(document):
    """Yield every header in use, each once (linked sections share a part)."""
    seen = set()
    odd_even = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        candidates = [section.header]
        if section.different_first_page_header_footer:
            candidates.append(section.first_page_header)
        if odd_even:
            candidates.append(section.even_page_header)
        for header in candidates:
            part = header.part  # the shared definition; created when there was none
            if id(part) not in seen:
                seen.add(id(part))
                yield header


def add_mark(document, mark: str) -> None:
    """Print ``mark`` (BORRADOR, OBSOLETO...) on every page: a line on top and a watermark."""
    for serial, header in enumerate(_headers(document), start=1):
        element = header._element
        line = header.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        ooxml.compact(line, after=2)
        run = line.add_run(MARK_LINES.get(mark, mark))
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = MARK_COLOR
        watermark = ooxml.watermark_paragraph(mark, serial)
        # Mark first, then the header: the line reads before the institution's table.
        element.insert(0, watermark)
        element.insert(0, line._p)


def _clear(story_element) -> None:
    for child in list(story_element):
        if child.tag in (qn("w:p"), qn("w:tbl"), qn("w:sdt")):
            story_element.remove(child)


def _control_controls(body) -> list:
    return [
        sdt
        for sdt in body.iter(qn("w:sdt"))
        if sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}") is not None
        and sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == CONTROL_TAG
    ]


def stamp_controlled_parts(document, context: dict, logo: bytes | None, qr: bytes | None) -> None:
    """Give a Word-authored document the header, footer, title, approval and change table.

    Headers and footers are replaced on every page; the title and the two tables go
    where the template's locked block was (or at the top when it was removed). Every
    value comes from ``context`` (the controlled-document shape of ``context.py``).
    """
    _stamp_header_footer(document, context, logo, qr)
    body = document.element.body
    existing = _control_controls(body)
    from qms.docgen.fragment import Fragment

    fragment = Fragment(document.part)
    _draw_control_block(fragment, context)
    blocks = fragment.elements()
    if existing:
        anchor = existing[0]
        for block in blocks:
            anchor.addprevious(block)
        for old in existing:
            old.getparent().remove(old)
    else:
        for position, block in enumerate(blocks):
            body.insert(position, block)
    ooxml.wrap_in_content_control(blocks, CONTROL_TAG, "Aprobación y control de cambios")


def _draw_control_block(container, context: dict) -> None:
    # LibreOffice drops the direct formatting of the first paragraph of a content
    # control; an empty, spacing-free first paragraph keeps the title's size and weight.
    ooxml.compact(container.add_paragraph(), line=0.1)
    title = container.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.put(title, context["document"]["title"], size=16, bold=True)
    doc, version = context["document"], context["version"]
    subtitle = container.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.put(subtitle, f"{doc['type_name']} {doc['code']} · {version['label']}", size=10, color=layout.GREY)
    approval = context["approval"]
    layout.approval_block(container, lambda role, field: approval[role][field])
    rows = [[c["version"], c["date"], c["description"], c["author"]] for c in context["changes"]]
    layout.change_table(container, rows)
    ooxml.compact(container.add_paragraph(), after=6)


def _stamp_header_footer(document, context: dict, logo: bytes | None, qr: bytes | None) -> None:
    """Replace every header and footer with the controlled ones (same on every page)."""
    document.settings.odd_and_even_pages_header_footer = False
    doc, version = context["document"], context["version"]
    for index, section in enumerate(document.sections):
        section.different_first_page_header_footer = False
        if index:
            # Later sections show the first section's header and footer.
            section.header.is_linked_to_previous = True
            section.footer.is_linked_to_previous = True
            continue
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        _clear(section.header._element)
        _clear(section.footer._element)
        layout.header_block(
            section.header,
            {
                "institution": context["institution"]["name"],
                "logo": layout.Picture(logo, 1.3) if logo else "",
                "type_name": doc["type_name"],
                "title": doc["title"],
                "lines": layout.document_lines(doc["code"], version["label"], version["effective_date"]),
            },
        )
        layout.footer_block(
            section.footer,
            {
                "qr": layout.Picture(qr, layout.QR_HEIGHT_CM) if qr else "",
                "code": context["verification"]["code"],
                "url": context["verification"]["url"],
            },
        )
