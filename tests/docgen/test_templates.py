"""The shipped templates render every required field (pure unit tests, no app)."""
import copy

import pytest
from docx.oxml.ns import qn

from qms.docgen import render
from qms.docgen.samples import SAMPLE_DOCUMENT_CONTEXT, SAMPLE_REPORT_CONTEXTS
from tests.docgen.helpers import TEMPLATES, all_body_text, cell_texts, open_docx, story_text, story_xml, tables_in

DOCUMENT_TEMPLATES = sorted(
    p.name for p in TEMPLATES.glob("*.docx") if p.name not in SAMPLE_REPORT_CONTEXTS
)


def context_with_history():
    context = copy.deepcopy(SAMPLE_DOCUMENT_CONTEXT)
    context["version"].update(number=3, label="Versión 03")
    context["changes"] = [
        {"version": f"{n:02d}", "date": f"0{n}-03-2026", "description": f"Cambio número {n} & ajuste <menor>",
         "author": f"Autora {n}"}
        for n in (1, 2, 3)
    ]
    context["sections"][2]["markdown"] = "- Jefa de Servicio: aprueba.\n- Encargado de Calidad: **controla**."
    context["sections"][3]["markdown"] = "| Término | Definición |\n|---|---|\n| SIG | Sistema de Información de Gestión |"
    return context


@pytest.fixture(scope="module")
def rendered():
    """Each controlled-document template rendered once with a three-version history."""
    context = context_with_history()
    return {
        name: open_docx(render.to_bytes(render.render_document((TEMPLATES / name).read_bytes(), context)))
        for name in DOCUMENT_TEMPLATES
    }


def test_every_template_named_in_reference_data_exists():
    from qms.org.reference import DOCUMENT_TYPES

    for doc_type in DOCUMENT_TYPES:
        assert (TEMPLATES / doc_type["template_name"]).exists(), doc_type["template_name"]


@pytest.mark.parametrize("name", DOCUMENT_TEMPLATES)
def test_header_carries_the_identity_and_page_fields(rendered, name):
    document = rendered[name]
    header = story_text(document)
    for expected in ("Servicio de Ejemplo", "Procedimiento de ejemplo", "Código: PR-EJ-01", "Versión 03",
                     "Vigencia: 01-03-2026", "Página"):
        assert expected in header, (name, expected)
    xml = story_xml(document)
    assert " PAGE " in xml and " NUMPAGES " in xml
    assert xml.count('w:fldCharType="begin"') == 2


@pytest.mark.parametrize("name", DOCUMENT_TEMPLATES)
def test_footer_carries_verification_code_and_qr(rendered, name):
    document = rendered[name]
    footer = story_text(document, "footer")
    assert "EJEMPLO1" in footer and "https://calidad.example.cl/verificar/EJEMPLO1" in footer
    assert "<pic:pic" in story_xml(document, "footer")


@pytest.mark.parametrize("name", DOCUMENT_TEMPLATES)
def test_approval_block_names_each_signer(rendered, name):
    approval = next(t for t in tables_in(rendered[name]) if cell_texts(t)[0][1:] == ["Elaboró", "Revisó", "Aprobó"])
    rows = cell_texts(approval)
    assert rows[1] == ["Nombre", "Autora Ejemplo", "Revisor Ejemplo", "Jefa Ejemplo"]
    assert rows[2] == ["Cargo", "Profesional", "Encargado de Calidad", "Jefa de Servicio"]
    assert rows[3] == ["Fecha", "10-02-2026", "15-02-2026", "20-02-2026"]


@pytest.mark.parametrize("name", DOCUMENT_TEMPLATES)
def test_change_table_has_a_row_per_version(rendered, name):
    table = next(t for t in tables_in(rendered[name]) if cell_texts(t)[0][0] == "Versión")
    rows = cell_texts(table)
    assert rows[0] == ["Versión", "Fecha", "Descripción del cambio", "Elaborado por"]
    assert rows[1:] == [
        [f"{n:02d}", f"0{n}-03-2026", f"Cambio número {n} & ajuste <menor>", f"Autora {n}"] for n in (1, 2, 3)]


@pytest.mark.parametrize("name", DOCUMENT_TEMPLATES)
def test_sections_have_numbered_headings_and_content(rendered, name):
    document = rendered[name]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for section in SAMPLE_DOCUMENT_CONTEXT["sections"]:
        assert f"{section['number']}\t{section['title']}" in headings, (name, section["title"])
    assert "6.1\tDiagrama de flujo" in headings  # level 2 heading
    level_two = next(p for p in document.paragraphs if p.text == "6.1\tDiagrama de flujo")
    assert level_two.style.name == "Heading 2"
    text = all_body_text(document)
    assert "Jefa de Servicio: aprueba." in text and "Norma ISO 9001:2015, cláusula 7.5." in text
    terms = next(t for t in tables_in(document) if cell_texts(t)[0] == ["Término", "Definición"])
    assert cell_texts(terms)[1] == ["SIG", "Sistema de Información de Gestión"]


def test_core_properties_are_rendered(rendered):
    document = rendered["procedimiento.docx"]
    assert document.core_properties.title == "Procedimiento de ejemplo"
    assert document.core_properties.author == "Servicio de Ejemplo"


def test_no_jinja_tag_survives(rendered):
    for name, document in rendered.items():
        text = all_body_text(document) + story_text(document) + story_text(document, "footer")
        assert "{{" not in text and "{%" not in text, name


def test_paper_size_can_be_forced():
    data = (TEMPLATES / "procedimiento.docx").read_bytes()
    a4 = render.render_document(data, SAMPLE_DOCUMENT_CONTEXT, paper="a4")
    letter = render.render_document(data, SAMPLE_DOCUMENT_CONTEXT, paper="letter")
    assert round(a4.sections[0].page_height.cm, 1) == 29.7
    assert round(letter.sections[0].page_height.cm, 2) == 27.94
    for document in (a4, letter):
        section = document.sections[0]
        text_width = section.page_width.cm - section.left_margin.cm - section.right_margin.cm
        assert abs(text_width - 16.5) < 0.01


@pytest.mark.parametrize("name", sorted(SAMPLE_REPORT_CONTEXTS))
def test_report_templates_render_their_sample(name):
    context = SAMPLE_REPORT_CONTEXTS[name]
    document = open_docx(render.to_bytes(render.render_plain((TEMPLATES / name).read_bytes(), context)))
    text = all_body_text(document)
    assert context["report"]["code"] in story_text(document)
    assert "Auditora Ejemplo" in text  # signatures table
    assert "{{" not in text and "{%" not in text
    for table in tables_in(document):
        assert all("{%" not in cell for row in cell_texts(table) for cell in row)


def test_audit_report_lists_findings_and_checklist():
    context = copy.deepcopy(SAMPLE_REPORT_CONTEXTS["informe_auditoria.docx"])
    context["findings"].append({"number": "2", "kind": "Observación", "clause": "9.1", "process": "Atención",
                                "description": "Indicador sin meta."})
    data = render.to_bytes(render.render_plain((TEMPLATES / "informe_auditoria.docx").read_bytes(), context))
    document = open_docx(data)
    findings = next(t for t in tables_in(document) if cell_texts(t)[0][0] == "N°")
    assert [row[0] for row in cell_texts(findings)[1:]] == ["1", "2"]
    assert "Indicador sin meta." in cell_texts(findings)[2][4]
    assert document.element.body.find(f".//{qn('w:tbl')}") is not None


def test_logo_is_printed_in_the_header():
    from qms.docgen.qr import qr_png

    logo = qr_png("logo de prueba")  # any PNG will do
    document = render.render_document((TEMPLATES / "procedimiento.docx").read_bytes(), SAMPLE_DOCUMENT_CONTEXT, logo=logo)
    result = open_docx(render.to_bytes(document))
    assert "<pic:pic" in story_xml(result)
    assert "Servicio de Ejemplo" in story_text(result)
