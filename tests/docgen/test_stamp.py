"""Stamping a Word-authored file, and marking copies on every page (pure unit tests)."""
import copy
import io

import docx
from docx.enum.section import WD_SECTION

from qms.docgen import render, stamp, text
from qms.docgen.qr import qr_png
from qms.docgen.samples import SAMPLE_DOCUMENT_CONTEXT
from tests.docgen.helpers import TEMPLATES, all_body_text, cell_texts, open_docx, story_text, tables_in

PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def authored_in_word() -> bytes:
    """A file as an author might write it: own header, cover section, payloads everywhere."""
    document = docx.Document()
    document.core_properties.comments = PAYLOAD
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.add_paragraph("Encabezado propio del autor " + PAYLOAD)
    section.first_page_header.add_paragraph("Portada sin encabezado")
    section.footer.add_paragraph("Pie propio " + PAYLOAD)
    document.add_paragraph("1 Objetivo", style="Heading 1")
    document.add_paragraph("Texto escrito en Word. " + PAYLOAD)
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph("Anexo en otra sección.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def stamped(data: bytes, context=None):
    document = docx.Document(io.BytesIO(data))
    stamp.stamp_controlled_parts(document, context or SAMPLE_DOCUMENT_CONTEXT, None, qr_png("https://x.cl/verificar/A"))
    return open_docx(render.to_bytes(document))


def test_stamp_replaces_headers_and_footers_on_every_section():
    document = stamped(authored_in_word())
    header = story_text(document)
    assert "Código: PR-EJ-01" in header and "Versión 01" in header and "Procedimiento de ejemplo" in header
    assert "Encabezado propio" not in header
    assert "EJEMPLO1" in story_text(document, "footer")
    assert not document.sections[0].different_first_page_header_footer
    assert document.sections[1].header.is_linked_to_previous


def test_stamp_adds_title_approval_and_change_table_at_the_top():
    document = stamped(authored_in_word())
    body = document.element.body
    assert body[0].tag.endswith("}sdt")  # the locked block comes first
    approval = next(t for t in tables_in(document) if cell_texts(t)[0][1:] == ["Elaboró", "Revisó", "Aprobó"])
    assert cell_texts(approval)[1][1:] == ["Autora Ejemplo", "Revisor Ejemplo", "Jefa Ejemplo"]
    changes = next(t for t in tables_in(document) if cell_texts(t)[0][0] == "Versión")
    assert cell_texts(changes)[1] == ["01", "01-03-2026", "Creación del documento.", "Autora Ejemplo"]


def test_payloads_in_an_upload_stay_literal_text():
    document = stamped(authored_in_word())
    assert PAYLOAD in all_body_text(document)
    assert document.core_properties.comments == PAYLOAD
    assert "uid=" not in all_body_text(document)


def test_stamping_the_edit_copy_replaces_its_locked_block():
    """GIVEN the pre-filled template an author edited WHEN stamped THEN one block, with new values."""
    edit_copy = render.to_bytes(render.render_document((TEMPLATES / "procedimiento.docx").read_bytes(),
                                                       SAMPLE_DOCUMENT_CONTEXT))
    context = copy.deepcopy(SAMPLE_DOCUMENT_CONTEXT)
    context["approval"]["approved"]["name"] = "Nueva Jefa"
    document = stamped(edit_copy, context)
    approvals = [t for t in tables_in(document) if cell_texts(t)[0][1:] == ["Elaboró", "Revisó", "Aprobó"]]
    assert len(approvals) == 1
    assert cell_texts(approvals[0])[1][3] == "Nueva Jefa"
    assert any(p.text == "1\tObjetivo" for p in document.paragraphs)


def test_extracted_text_skips_the_controlled_block():
    extracted = text.extract_text(render.to_bytes(stamped(authored_in_word())))
    assert "Texto escrito en Word." in extracted and "Anexo en otra sección." in extracted
    assert "Elaboró" not in extracted


def test_mark_is_on_every_header_in_use():
    document = docx.Document(io.BytesIO(authored_in_word()))
    stamp.add_mark(document, "BORRADOR")
    result = open_docx(render.to_bytes(document))
    section = result.sections[0]
    for header in (section.header, section.first_page_header):
        xml = header._element.xml
        assert "BORRADOR — documento no aprobado" in xml
        assert 'string="BORRADOR"' in xml  # the diagonal watermark


def test_obsolete_mark_on_a_rendered_document():
    document = render.render_document((TEMPLATES / "procedimiento.docx").read_bytes(), SAMPLE_DOCUMENT_CONTEXT)
    stamp.add_mark(document, "OBSOLETO")
    result = open_docx(render.to_bytes(document))
    assert "OBSOLETO" in story_text(result)
    assert "Código: PR-EJ-01" in story_text(result)


def test_stamp_prints_the_logo():
    document = docx.Document(io.BytesIO(authored_in_word()))
    stamp.stamp_controlled_parts(document, SAMPLE_DOCUMENT_CONTEXT, qr_png("logo"), qr_png("https://x.cl/verificar/A"))
    result = open_docx(render.to_bytes(document))
    assert "<pic:pic" in result.sections[0].header._element.xml
