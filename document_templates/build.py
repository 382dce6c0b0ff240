"""Build the project's Word templates (``*.docx`` beside this file) with python-docx.

Run ``.venv/bin/python document_templates/build.py`` after changing it, and commit the
generated files: the application reads the ``.docx`` files, not this script. The
templates are docxtpl templates: Jinja tags in the text, ``{%p ... %}`` for paragraphs
and ``{%tr ... %}`` for table rows. Institutions may restyle them in Word and upload the
result (Administración > Plantillas); the tags must stay.

The context each kind of template receives is documented in ``qms/docgen/context.py``
(controlled documents) and ``qms/docgen/samples.py`` (report samples).
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from common import HERE, _clear, header, layout, new_document, ooxml, tag_paragraph
from reports import REPORT_TEMPLATES

#: Controlled-document templates: file name -> options.
DOCUMENT_TEMPLATES = {
    "procedimiento.docx": {},
    "instructivo.docx": {},
    "manual.docx": {"cover": True},
    "plan.docx": {},
    "programa.docx": {},
    "politica.docx": {"control_at_end": True},
    "formulario.docx": {"control_at_end": True},
    "documento.docx": {},
}


# -- controlled documents -------------------------------------------------------------------
def _blocks(document) -> list:
    return [el for el in document.element.body if el.tag != qn("w:sectPr")]


def control_block(document, with_title: bool = True) -> None:
    """Title, approval table and change table, locked in a content control.

    Word authors cannot edit the block, and stamping replaces it with the signed values.
    """
    start = len(_blocks(document))
    if with_title:
        title_block(document)
    layout.approval_block(document, lambda role, field: "{{ approval.%s.%s }}" % (role, field))
    layout.change_table(
        document,
        [["{{ c.version }}", "{{ c.date }}", "{{ c.description }}", "{{ c.author }}"]],
        loop=("{%tr for c in changes %}", "{%tr endfor %}"),
    )
    spacer = document.add_paragraph()
    ooxml.compact(spacer, after=6)
    blocks = _blocks(document)[start:]
    ooxml.wrap_in_content_control(blocks, "qms-control", "Aprobación y control de cambios")


def title_block(document) -> None:
    document.add_paragraph("{{ document.title }}", style="Title")
    document.add_paragraph("{{ document.type_name }} {{ document.code }} · {{ version.label }}", style="Subtitle")


def cover_page(document) -> None:
    """A manual's cover: institution, title and code, alone on the first page."""
    for _ in range(6):
        document.add_paragraph()
    logo = document.add_paragraph()
    logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    logo.add_run("{{ logo }}")
    name = document.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = name.add_run("{{ institution.name }}")
    run.bold, run.font.size = True, Pt(14)
    document.add_paragraph()
    document.add_paragraph("{{ document.title }}", style="Title")
    document.add_paragraph("{{ document.code }} · {{ version.label }}", style="Subtitle")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def sections_loop(document) -> None:
    """The sections, each a numbered heading (level from its number) and its body."""
    tag_paragraph(document, "{%p for s in sections %}")
    for level, keyword in ((1, "{%p if s.level == 1 %}"), (2, "{%p elif s.level == 2 %}"), (3, "{%p else %}")):
        tag_paragraph(document, keyword)
        heading = document.add_paragraph(style=f"Heading {level}")
        heading.add_run("{{ s.number }}")
        heading.add_run().add_tab()
        heading.add_run("{{ s.title }}")
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{{p s.body }}")
    tag_paragraph(document, "{%p endfor %}")


def footer(document) -> None:
    section = document.sections[0]
    section.footer.is_linked_to_previous = False
    _clear(section.footer)
    layout.footer_block(section.footer, {"qr": "{{ qr }}", "code": "{{ verification.code }}", "url": "{{ verification.url }}"})


def build_document_template(name: str, cover: bool = False, control_at_end: bool = False):
    document = new_document("{{ document.title }}")
    header(
        document,
        "{{ document.type_name }}",
        "{{ document.title }}",
        layout.document_lines("{{ document.code }}", "{{ version.label }}", "{{ version.effective_date }}"),
    )
    footer(document)
    if cover:
        cover_page(document)
    if not control_at_end:
        control_block(document, with_title=not cover)
    sections_loop(document)
    if control_at_end:
        control_block(document, with_title=False)
    return document


def _save(document, path: Path) -> None:
    document.save(path)
    print(f"  {path.name}")


def main() -> None:
    print(f"Plantillas en {HERE}:")
    for name, options in DOCUMENT_TEMPLATES.items():
        _save(build_document_template(name, **options), HERE / name)
    for name, builder in REPORT_TEMPLATES.items():
        _save(builder(), HERE / name)


if __name__ == "__main__":
    main()
