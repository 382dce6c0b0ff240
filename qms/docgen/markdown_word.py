"""Turn the Markdown subset authors write in the browser into real Word structure.

Supported: paragraphs, **bold**, *italic*, `code`, bullet and numbered lists (nested),
simple tables, and ``#`` headings, which become numbered sub-headings of the section
they appear in (``## Etapa`` inside section 6.2 becomes "6.2.1 Etapa"). Raw HTML is
never interpreted; links are kept as text, and so are images other than those an author
uploaded into the file store (``![texto](imagen:<sha256>)``), which are placed at the text's width.

markdown-it-py parses; the WordprocessingML is written here as text and parsed once
per section, because building it node by node through python-docx's object API costs
about 4 ms per page, which alone would exceed the render budget of a procedure.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from docx.oxml import parse_xml
from docx.shared import Cm
from lxml import etree
from docx.oxml.ns import nsdecls, qn
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from qms.docgen import ooxml
from qms.docgen.numbering import ListNumbering
from qms.docgen.styles import StyleMap

#: Usable width of the text column, shared by A4 and Letter layouts.
TEXT_WIDTH_CM = 16.5
_TWIPS_PER_CM = 567
#: How a section's Markdown points at an image in the file store: ``imagen:<sha256>``.
IMAGE_SCHEME = "imagen:"
#: Tallest an image is printed (a portrait screenshot must fit the page).
IMAGE_MAX_HEIGHT_CM = 20.0
#: Grey of table header cells.
HEADER_FILL = "E7E6E6"
_BORDERS = "".join(
    f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
)
_CELL_MARGINS = (
    '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
    '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>'
)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: tags typed by an author are shown as text, never interpreted.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def parse(text: str) -> SyntaxTreeNode:
    """Return the syntax tree of ``text``."""
    return SyntaxTreeNode(_parser().parse(ooxml.clean_text(text)))


@dataclass
class Style:
    """Run formatting while walking inline nodes."""

    bold: bool = False
    italic: bool = False
    code: bool = False

    def with_(self, **changes) -> "Style":
        return Style(**{**self.__dict__, **changes})


def _run(text: str, style: Style) -> str:
    props = ""
    if style.code:
        props += '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>'
    if style.bold:
        props += "<w:b/>"
    if style.italic:
        props += "<w:i/>"
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(runs: str, style_id: str | None = None, num: tuple[int, int] | None = None,
               after_pt: float | None = None, indent_twips: int | None = None, align: str | None = None) -> str:
    props = f"<w:pStyle w:val={quoteattr(style_id)}/>" if style_id else ""
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[0]}"/><w:numId w:val="{num[1]}"/></w:numPr>'
    if after_pt is not None:
        props += f'<w:spacing w:before="0" w:after="{int(after_pt * 20)}"/>'
    if indent_twips:
        props += f'<w:ind w:left="{indent_twips}"/>'
    if align:
        props += f'<w:jc w:val="{align}"/>'
    props = f"<w:pPr>{props}</w:pPr>" if props else ""
    return f"<w:p>{props}{runs}</w:p>"


#: Markdown alignment markers (``:---``, ``:---:``, ``---:``) -> Word paragraph alignment.
_ALIGN = {"left": "left", "center": "center", "right": "right"}
#: Characters of a cell that count towards its column's width (longer text wraps).
WIDTH_CAP_CHARS = 40
#: The narrowest column, in characters.
WIDTH_MIN_CHARS = 4


def _alignment(cell) -> str:
    """Return the Word alignment of a table cell: its Markdown marker, else left."""
    style = str((cell.attrs or {}).get("style", "")) if cell is not None else ""
    marker = style.split("text-align:")[-1].strip(" ;") if "text-align:" in style else ""
    return _ALIGN.get(marker, "left")


def _plain(node) -> str:
    """Return the visible text of a node (for measuring a table cell)."""
    if node is None:
        return ""
    if node.type in ("text", "code_inline"):
        return node.content or ""
    return "".join(_plain(child) for child in node.children)


def column_widths(rows: list[list[str]], columns: int, total_twips: int | None = None) -> list[int]:
    """Return each column's width in twips, shared out by how much text it holds.

    A column needs at least its longest word and at most ``WIDTH_CAP_CHARS`` (past that the
    text wraps), so "N°" stays narrow and a description column takes the rest.
    """
    total = total_twips or int(TEXT_WIDTH_CM * _TWIPS_PER_CM)
    weights = []
    for index in range(columns):
        texts = [row[index] if index < len(row) else "" for row in rows]
        longest_word = max((len(word) for text in texts for word in text.split()), default=0)
        longest = max((len(text) for text in texts), default=0)
        # Two characters more than the text: the cell margins and bold header text.
        weights.append(max(WIDTH_MIN_CHARS, longest_word, min(longest, WIDTH_CAP_CHARS)) + 2)
    widths = [int(total * weight / sum(weights)) for weight in weights]
    widths[-1] += total - sum(widths)
    return widths


@dataclass
class WordWriter:
    """Write Markdown as Word blocks for one document (its styles and list numbering)."""

    styles: StyleMap
    numbering: ListNumbering
    #: Number and level of the section the text belongs to ("6.2", 2).
    section_number: str = ""
    section_level: int = 1
    #: The story part images are added to (None: images are kept as text).
    part: object = None
    _counters: list[int] = field(default_factory=list)
    #: The shallowest ``#`` depth used in the text: it becomes the first sub-level.
    _top_depth: int = 1

    def elements(self, text: str) -> list:
        """Return the Word block elements (``w:p``, ``w:tbl``) for the Markdown ``text``."""
        tree = parse(text)
        depths = [int(node.tag[1]) for node in tree.children if node.type == "heading"]
        self._top_depth = min(depths, default=1)
        self._counters = []
        xml = "".join(self._block(node) for node in tree.children)
        if not xml:
            return []
        return list(parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>"))

    def write(self, container, text: str) -> None:
        """Append the Markdown ``text`` to a python-docx container (document, cell, fragment)."""
        parent = getattr(container, "element", None)
        parent = parent.body if parent is not None and hasattr(parent, "body") else container._element
        anchor = parent.find(qn("w:sectPr"))
        for element in self.elements(text):
            if anchor is not None:
                anchor.addprevious(element)
            else:
                parent.append(element)

    # -- blocks -------------------------------------------------------------------------
    def _block(self, node, list_level: int = 0) -> str:
        kind = node.type
        if kind == "paragraph":
            return _paragraph(self._inline(node))
        if kind == "heading":
            return self._heading(node)
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node, list_level)
        if kind == "table":
            return self._table(node)
        if kind in ("code_block", "fence", "html_block"):
            return self._code(node.content)
        if kind == "blockquote":
            return "".join(
                _paragraph(self._inline(child), indent_twips=_TWIPS_PER_CM) if child.type == "paragraph"
                else self._block(child, list_level)
                for child in node.children
            )
        return ""  # hr and anything else carry no text worth keeping

    def _heading(self, node) -> str:
        depth = max(int(node.tag[1]) - self._top_depth + 1, 1)
        del self._counters[depth:]
        while len(self._counters) < depth:
            self._counters.append(0)
        self._counters[depth - 1] += 1
        prefix = [self.section_number] if self.section_number else []
        number = ".".join(prefix + [str(n) for n in self._counters])
        runs = _run(number, Style()) + "<w:r><w:tab/></w:r>" + self._inline(node)
        return _paragraph(runs, self.styles.heading(self.section_level + depth))

    def _list(self, node, level: int) -> str:
        num_id = self.numbering.new_list("decimal" if node.type == "ordered_list" else "bullet")
        style = self.styles.paragraph("list paragraph")
        out = []
        for item in node.children:
            first = True
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    out.append(self._list(child, min(level + 1, 2)))
                elif child.type == "paragraph":
                    # A second paragraph of the same item is indented, not numbered.
                    numbered = (level, num_id) if first else None
                    indent = None if first else _TWIPS_PER_CM * (level + 1)
                    out.append(_paragraph(self._inline(child), style, numbered, after_pt=2, indent_twips=indent))
                    first = False
                else:
                    out.append(self._block(child, level))
        return "".join(out)

    def _table(self, node) -> str:
        """Write a Markdown table: header rows repeated on every page, no row split across
        pages, columns as wide as their content needs, cells aligned as the ``:---:``
        markers say (left by default, never justified)."""
        rows = [(section.type == "thead", tr) for section in node.children for tr in section.children]
        if not rows:
            return ""
        columns = max(len(tr.children) for _head, tr in rows)
        widths = column_widths([[_plain(cell) for cell in tr.children] for _head, tr in rows], columns)
        style_id = self.styles.table("table grid")
        style = f"<w:tblStyle w:val={quoteattr(style_id)}/>" if style_id else ""
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
        body = []
        for is_head, tr in rows:
            cells = []
            for index, width in enumerate(widths):
                cell = tr.children[index] if index < len(tr.children) else None
                runs = self._inline(cell, Style(bold=is_head)) if cell is not None else ""
                shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if is_head else ""
                cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
                             f"{_paragraph(runs, after_pt=0, align=_alignment(cell))}</w:tc>")
            # Every row stays whole on its page; header rows repeat at the top of each page.
            row_props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if is_head else "<w:trPr><w:cantSplit/></w:trPr>"
            body.append(f"<w:tr>{row_props}{''.join(cells)}</w:tr>")
        table = (
            f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>{_CELL_MARGINS}'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}</w:tbl>'
        )
        # A little air between a table and the paragraph after it.
        return table + _paragraph("", after_pt=0)

    @staticmethod
    def _code(text: str) -> str:
        return "".join(_paragraph(_run(line, Style(code=True)), after_pt=0) for line in text.rstrip("\n").split("\n"))

    # -- inline -------------------------------------------------------------------------
    def _inline(self, block, style: Style | None = None) -> str:
        """Return the runs of a block's inline content (paragraph, heading, table cell)."""
        inline = block.children[0] if block is not None and block.children else None
        return self._inline_children(inline, style or Style()) if inline is not None else ""

    def _inline_children(self, node, style: Style) -> str:
        out = []
        for child in node.children:
            kind = child.type
            if kind == "text":
                out.append(_run(child.content, style))
            elif kind == "strong":
                out.append(self._inline_children(child, style.with_(bold=True)))
            elif kind == "em":
                out.append(self._inline_children(child, style.with_(italic=True)))
            elif kind == "softbreak":
                out.append(_run(" ", style))
            elif kind == "hardbreak":
                out.append("<w:r><w:br/></w:r>")
            elif kind == "code_inline":
                out.append(_run(child.content, style.with_(code=True)))
            elif kind == "link":
                out.append(self._link(child, style))
            elif kind == "image":
                out.append(self._image(child, style))
            elif kind == "html_inline":
                out.append(_run(child.content, style))
            elif child.children:
                out.append(self._inline_children(child, style))
        return "".join(out)

    def _image(self, node, style: Style) -> str:
        """Place a stored image (``![texto](imagen:<sha256>)``) at the text's width; any other
        image is kept as its text, as links are."""
        src = str(node.attrs.get("src", ""))
        alt = node.content or str(node.attrs.get("alt", ""))
        if not (src.startswith(IMAGE_SCHEME) and self.part is not None):
            return _run(f"[imagen: {alt}]", style)
        from qms.storage import store

        try:
            data = store.read(src[len(IMAGE_SCHEME):])
        except store.StorageError:
            return _run(f"[imagen no disponible: {alt}]", style)
        inline = self.part.new_pic_inline(io.BytesIO(data), width=Cm(TEXT_WIDTH_CM))
        extent = inline.extent
        if extent.cy > Cm(IMAGE_MAX_HEIGHT_CM):  # a tall image fits the page by its height
            extent.cx, extent.cy = int(extent.cx * Cm(IMAGE_MAX_HEIGHT_CM) / extent.cy), Cm(IMAGE_MAX_HEIGHT_CM)
            graphic_extent = inline.find(f".//{qn('a:ext')}")
            if graphic_extent is not None:
                graphic_extent.set("cx", str(extent.cx))
                graphic_extent.set("cy", str(extent.cy))
        inline.docPr.set("descr", alt)
        return f"<w:r><w:drawing>{etree.tostring(inline, encoding='unicode')}</w:drawing></w:r>"

    def _link(self, node, style: Style) -> str:
        runs = self._inline_children(node, style)
        href = str(node.attrs.get("href", ""))
        label = "".join(grand.content for grand in node.children if grand.type == "text")
        if href and href != label and not href.startswith("mailto:"):
            runs += _run(f" ({href})", style)
        return runs
