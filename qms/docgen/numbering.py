"""List numbering for generated documents: bullets, and numbered lists that restart.

Word numbers paragraphs through ``numbering.xml``: an abstract definition (the look of
each level) and concrete ``w:num`` instances pointing at it. Every numbered list gets
its own instance with a start override, otherwise Word would continue counting from
the previous list. The definitions are added to whatever template is in use, so an
institution's own template does not need to carry them.
"""
from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart

#: Level formats: (numFmt, lvlText) per nesting level.
_FORMATS = {
    "bullet": [("bullet", "\u2022"), ("bullet", "\u2013"), ("bullet", "\u25aa")],
    "decimal": [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3.")],
}
_NAME_PREFIX = "qms-"


def _abstract_xml(abstract_id: int, kind: str) -> str:
    levels = []
    for ilvl, (fmt, text) in enumerate(_FORMATS[kind]):
        left = 567 * (ilvl + 1)
        levels.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="283"/></w:pPr></w:lvl>'
        )
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/><w:name w:val="{_NAME_PREFIX}{kind}"/>'
        f'{"".join(levels)}</w:abstractNum>'
    )


def _numbering_root(document_part):
    """Return ``<w:numbering>`` of the document, creating the part when it is missing."""
    try:
        return document_part.part_related_by(RT.NUMBERING).element
    except KeyError:
        element = parse_xml(f'<w:numbering {nsdecls("w")}/>')
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, document_part.package)
        document_part.relate_to(part, RT.NUMBERING)
        return part.element


class ListNumbering:
    """Hand out numbering instances for the lists of one document."""

    def __init__(self, document_part):
        self._root = _numbering_root(document_part)
        self._abstract_ids: dict[str, int] = {}
        self._bullet_num: int | None = None

    def new_list(self, kind: str) -> int:
        """Return the ``numId`` for a new list of ``kind`` (``bullet`` or ``decimal``)."""
        if kind == "bullet":
            # Bullets have nothing to restart: one instance serves every list.
            if self._bullet_num is None:
                self._bullet_num = self._add_num("bullet")
            return self._bullet_num
        return self._add_num("decimal", restart=True)

    def _add_num(self, kind: str, restart: bool = False) -> int:
        num = self._root.add_num(self._abstract_id(kind))
        if restart:
            for ilvl in range(len(_FORMATS[kind])):
                override = parse_xml(
                    f'<w:lvlOverride {nsdecls("w")} w:ilvl="{ilvl}"><w:startOverride w:val="1"/></w:lvlOverride>'
                )
                num.append(override)
        return num.numId

    def _abstract_id(self, kind: str) -> int:
        if kind in self._abstract_ids:
            return self._abstract_ids[kind]
        for abstract in self._root.findall(qn("w:abstractNum")):
            name = abstract.find(qn("w:name"))
            if name is not None and name.get(qn("w:val")) == _NAME_PREFIX + kind:
                found = int(abstract.get(qn("w:abstractNumId")))
                self._abstract_ids[kind] = found
                return found
        used = [int(a.get(qn("w:abstractNumId"))) for a in self._root.findall(qn("w:abstractNum"))]
        new_id = max(used, default=-1) + 1
        element = parse_xml(_abstract_xml(new_id, kind))
        # Schema order: every abstractNum precedes the first num.
        first_num = self._root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self._root.append(element)
        self._abstract_ids[kind] = new_id
        return new_id
