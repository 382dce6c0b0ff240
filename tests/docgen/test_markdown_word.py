"""The Markdown subset becomes real Word structure (pure unit tests, no app)."""
import docx
from docx.oxml.ns import qn

from qms.docgen.markdown_word import WordWriter
from qms.docgen.numbering import ListNumbering
from qms.docgen.styles import StyleMap


def write(text: str, number: str = "6", level: int = 1):
    document = docx.Document()
    WordWriter(StyleMap(document.part), ListNumbering(document.part), number, level).write(document, text)
    return document


def num_id(paragraph) -> int | None:
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    return num_pr.numId.val if num_pr is not None else None


def test_bold_and_italic_become_runs():
    paragraph = write("Texto con **negrita** y *cursiva*.").paragraphs[0]
    runs = {run.text: run for run in paragraph.runs}
    assert runs["negrita"].bold and not runs["negrita"].italic
    assert runs["cursiva"].italic and not runs["cursiva"].bold
    assert paragraph.text == "Texto con negrita y cursiva."


def test_nested_emphasis():
    paragraph = write("***ambos*** y **negrita con *cursiva***").paragraphs[0]
    both = [r for r in paragraph.runs if r.text == "ambos"][0]
    inner = [r for r in paragraph.runs if r.text == "cursiva"][0]
    assert both.bold and both.italic
    assert inner.bold and inner.italic


def test_bullet_list_items_are_numbered_paragraphs():
    document = write("- Jefe/a de Servicio\n- Encargado/a de Calidad")
    items = document.paragraphs
    assert [p.text for p in items] == ["Jefe/a de Servicio", "Encargado/a de Calidad"]
    assert num_id(items[0]) is not None and num_id(items[0]) == num_id(items[1])
    assert items[0].style.name == "List Paragraph"


def test_numbered_lists_restart():
    """GIVEN two numbered lists separated by a paragraph THEN each has its own numbering instance."""
    document = write("1. uno\n2. dos\n\nTexto intermedio.\n\n1. otra")
    first, second, _text, third = document.paragraphs
    assert num_id(first) == num_id(second)
    assert num_id(third) != num_id(first)
    numbering = document.part.numbering_part.element
    num = numbering.num_having_numId(num_id(third))
    assert num.find(qn("w:lvlOverride")).find(qn("w:startOverride")).get(qn("w:val")) == "1"


def test_nested_list_uses_a_deeper_level():
    document = write("1. etapa\n   - detalle\n2. otra etapa")
    detail = document.paragraphs[1]
    assert detail.text == "detalle"
    assert detail._p.pPr.numPr.ilvl.val == 1


def test_table_with_header_row():
    document = write("| Término | Definición |\n|---|---|\n| PMG | Programa de **Mejoramiento** |")
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Término", "Definición"], ["PMG", "Programa de Mejoramiento"]]
    assert all(run.bold for run in table.cell(0, 0).paragraphs[0].runs)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [r for r in table.cell(1, 1).paragraphs[0].runs if r.text == "Mejoramiento"][0].bold


def test_headings_are_numbered_under_the_section():
    document = write("## Elaboración\n\nTexto.\n\n### Detalle\n\n## Revisión", number="6.2", level=2)
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h.text for h in headings] == ["6.2.1\tElaboración", "6.2.1.1\tDetalle", "6.2.2\tRevisión"]
    assert [h.style.name for h in headings] == ["Heading 3", "Heading 4", "Heading 3"]


def test_markup_characters_and_html_stay_text():
    document = write("Costos & plazos <b>no</b> {{ cycler }}")
    assert document.paragraphs[0].text == "Costos & plazos <b>no</b> {{ cycler }}"


def test_control_characters_are_removed():
    document = write("uno\x07dos\x0ctres")
    assert document.paragraphs[0].text == "uno dos tres"


def test_hard_break_and_link():
    paragraph = write("línea  \nsiguiente [sitio](https://www.dipres.gob.cl)").paragraphs[0]
    assert paragraph._p.find(f".//{qn('w:br')}") is not None
    assert "sitio (https://www.dipres.gob.cl)" in paragraph.text


TABLE = ("| N° | Actividad | Responsable | Monto |\n|:---:|---|---|---:|\n"
         "| 1 | Revisar las postulaciones recibidas en la plataforma regional | Encargada regional | 1.200 |\n"
         "| 2 | Publicar resultados | Jefatura | 300 |")


def _cells(table):
    return [[c for c in row.cells] for row in table.rows]


def test_table_cells_are_left_aligned_unless_marked():
    table = write(TABLE).tables[0]
    alignment = [[c.paragraphs[0]._p.pPr.find(qn("w:jc")).get(qn("w:val")) for c in row] for row in _cells(table)]
    assert alignment[1] == ["center", "left", "left", "right"]
    plain = write("| a | b |\n|---|---|\n| c | d |").tables[0]
    assert {c.paragraphs[0]._p.pPr.find(qn("w:jc")).get(qn("w:val")) for row in _cells(plain) for c in row} == {"left"}


def test_table_columns_are_as_wide_as_their_content():
    table = write(TABLE).tables[0]
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(widths) == int(16.5 * 567)
    number, activity, responsible, amount = widths
    assert number < amount < responsible < activity
    assert number >= 6 * sum(widths) / (6 + 42 + 20 + 7) * 0.99


def test_table_rows_stay_whole_and_the_header_repeats():
    table = write(TABLE).tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
