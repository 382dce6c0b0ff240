"""Small WordprocessingML helpers that python-docx does not offer.

Each function adds one piece of markup (a field, a shading, a border, a repeated header
row...) to an element python-docx created, so the rest of the package can stay on the
python-docx API.
"""
from __future__ import annotations

import re

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

#: Characters Word cannot store (XML 1.0) or that docxtpl turns into markup
#: (\a new paragraph, \f page break): replaced by a space in user text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


# Word rejects files whose property elements are out of schema order, so each
# insertion names the elements that must stay after it.
_AFTER_TC_SHD = (
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)
_AFTER_TBL_CELL_MAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_TR_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")


def clean_text(value) -> str:
    """Return ``value`` as text that is safe to place in a run (no control characters)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL_CHARS.sub(" ", text)


def add_field(paragraph, instruction: str, size_pt: float | None = None, placeholder: str = "1") -> None:
    """Append a complex field (``PAGE``, ``NUMPAGES``...) to ``paragraph``.

    Each field character sits in its own run, as Word writes them, all with the same
    size so the page number matches the text around it. The cached result is only a
    placeholder: Word and LibreOffice compute page fields when they lay out the pages.
    """

    def run_with(child):
        run = paragraph.add_run()
        if size_pt:
            run.font.size = Pt(size_pt)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} \\* MERGEFORMAT "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    result = OxmlElement("w:t")
    result.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, result, end):
        run_with(element)


def shade_cell(cell, fill: str = "E7E6E6") -> None:
    """Give a table cell a solid background colour (hex RGB)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    tc_pr.insert_element_before(shd, *_AFTER_TC_SHD)


def set_cell_margins(table, top: int = 40, bottom: int = 40, left: int = 80, right: int = 80) -> None:
    """Set the default cell padding of ``table`` (twentieths of a point)."""
    tbl_pr = table._tbl.tblPr
    margins = parse_xml(
        f'<w:tblCellMar {nsdecls("w")}>'
        f'<w:top w:w="{top}" w:type="dxa"/><w:left w:w="{left}" w:type="dxa"/>'
        f'<w:bottom w:w="{bottom}" w:type="dxa"/><w:right w:w="{right}" w:type="dxa"/>'
        "</w:tblCellMar>"
    )
    for old in tbl_pr.findall(qn("w:tblCellMar")):
        tbl_pr.remove(old)
    tbl_pr.insert_element_before(margins, *_AFTER_TBL_CELL_MAR)


def set_borders(table, size: int = 4, color: str = "808080") -> None:
    """Draw thin single borders around and inside ``table`` (size in eighths of a point)."""
    tbl_pr = table._tbl.tblPr
    edges = "".join(
        f'<w:{edge} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = parse_xml(f'<w:tblBorders {nsdecls("w")}>{edges}</w:tblBorders>')
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", *_AFTER_TBL_CELL_MAR)


def set_fixed_layout(table, widths_cm: list[float]) -> None:
    """Fix the column widths so Word and LibreOffice lay the table out the same way."""
    from docx.shared import Cm

    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def repeat_header_row(row) -> None:
    """Repeat ``row`` at the top of every page the table spans, and keep it whole."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", *_AFTER_TR_HEADER)
    tr_pr.insert_element_before(OxmlElement("w:tblHeader"), *_AFTER_TR_HEADER)


def compact(paragraph, after: float = 0, before: float = 0, line: float | None = None) -> None:
    """Tighten a paragraph's spacing (header cells, tables)."""
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    if line is not None:
        fmt.line_spacing = line


def keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def wrap_in_content_control(elements, tag: str, title: str) -> None:
    """Wrap consecutive body ``elements`` in one locked content control tagged ``tag``.

    Word then refuses to edit or delete the block, and stamping finds it by its tag to
    replace it with the signed values.
    """
    first = elements[0]
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="{title}"/><w:tag w:val="{tag}"/>'
        '<w:lock w:val="sdtContentLocked"/></w:sdtPr><w:sdtContent/></w:sdt>'
    )
    first.addprevious(sdt)
    content = sdt.find(qn("w:sdtContent"))
    for element in elements:
        content.append(element)


#: VML for Word's own "watermark" shape: diagonal, light grey, behind the text.
_WATERMARK_VML = (
    '<w:p {w} xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
    "<w:r><w:rPr><w:noProof/></w:rPr><w:pict>"
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e">'
    '<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
    '<v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="QmsWatermark{n}" o:spid="_x0000_s{spid}" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:315;'
    "z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" '
    'o:allowincell="f" fillcolor="#c00000" stroked="f">'
    '<v:fill opacity=".18"/>'
    '<v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt;font-weight:bold" string="{text}"/>'
    "</v:shape></w:pict></w:r></w:p>"
)


def watermark_paragraph(text: str, serial: int):
    """Return a header paragraph holding a diagonal watermark with ``text``."""
    from xml.sax.saxutils import quoteattr

    xml = _WATERMARK_VML.format(w=nsdecls("w"), n=serial, spid=2049 + serial, text=quoteattr(text)[1:-1])
    return parse_xml(xml)
