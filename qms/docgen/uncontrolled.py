"""What in a Word file escapes control, and how an official copy is rid of it.

An uploaded file may carry things that are not its controlled text: relationships that
point outside the package (an attached template ``http://…/x.dotm``, ``file://`` links,
linked images or objects), tracked changes, whose final text nobody approved yet, and
comments. ``inspect`` lists them for the upload page; ``strip`` removes from a copy the
comments and every external relationship except ordinary web and mail links (the text of
a removed link stays). Tracked changes are not stripped: accepting or rejecting them is
the author's decision, so the caller refuses the file until that is done in Word.
Macros never get this far: ``uploads`` refuses a package that holds them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import docx

from docx.opc.part import XmlPart
from docx.oxml.ns import qn

from qms.docgen.by_content import cached_by_content

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
HYPERLINK = _REL + "hyperlink"
ATTACHED_TEMPLATE = _REL + "attachedTemplate"
#: Relationship types of comment parts (Word 2007 to 365).
COMMENT_RELS = frozenset({
    _REL + "comments",
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    "http://schemas.microsoft.com/office/2011/relationships/people",
})
#: Link targets a controlled copy may keep.
WEB_SCHEMES = ("http://", "https://", "mailto:")
#: Elements that record a tracked change (insertions, deletions, moves, format changes).
TRACKED_TAGS = tuple(qn(f"w:{name}") for name in (
    "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
    "trPrChange", "tcPrChange", "tblGridChange", "numberingChange", "cellIns", "cellDel"))
_COMMENT_MARKS = (qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:commentReference"))

_KIND_LABELS = {
    ATTACHED_TEMPLATE: "plantilla adjunta",
    HYPERLINK: "vínculo",
    _REL + "image": "imagen vinculada",
    _REL + "oleObject": "objeto vinculado",
    _REL + "subDocument": "subdocumento",
    _REL + "frame": "marco",
}


@dataclass
class Uncontrolled:
    """What a Word file holds outside control."""

    #: (what it is, where it points) of each external relationship that a copy drops.
    external: list[tuple[str, str]] = field(default_factory=list)
    tracked_changes: int = 0
    comments: int = 0

    @property
    def any(self) -> bool:
        return bool(self.external or self.tracked_changes or self.comments)


def _xml_parts(document):
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            yield part


def _dropped(rel) -> bool:
    """Return whether a copy drops this relationship (external, and not a web or mail link)."""
    if not rel.is_external:
        return False
    return not (rel.reltype == HYPERLINK and rel.target_ref.lower().startswith(WEB_SCHEMES))


def inspect(document) -> Uncontrolled:
    """Return what ``document`` (python-docx) holds outside control."""
    found = Uncontrolled()
    for part in _xml_parts(document):
        for rel in part.rels.values():
            if _dropped(rel):
                found.external.append((_KIND_LABELS.get(rel.reltype, "recurso externo"), rel.target_ref))
            elif rel.reltype == _REL + "comments" and isinstance(rel.target_part, XmlPart):
                found.comments += sum(1 for _ in rel.target_part.element.iter(qn("w:comment")))
        found.tracked_changes += sum(1 for _ in part.element.iter(*TRACKED_TAGS))
    return found


def strip(document) -> None:
    """Remove comments and dropped external relationships from ``document``, in place."""
    for part in _xml_parts(document):
        dropped = [rId for rId, rel in part.rels.items() if _dropped(rel) or rel.reltype in COMMENT_RELS]
        for rId in dropped:
            del part.rels[rId]
            part.rels._target_parts_by_rId.pop(rId, None)  # noqa: SLF001 (python-docx keeps both maps)
        root = part.element
        for mark in list(root.iter(*_COMMENT_MARKS)):
            parent = mark.getparent()
            parent.remove(mark)
            if parent.tag == qn("w:r") and not [c for c in parent if c.tag != qn("w:rPr")]:
                parent.getparent().remove(parent)
        if not dropped:
            continue
        gone = set(dropped)
        for element in list(root.iter()):
            for name in [a for a in element.attrib if a.startswith(f"{{{R_NS}}}") and element.get(a) in gone]:
                del element.attrib[name]
            if element.tag == qn("w:hyperlink") and element.get(qn("r:id")) is None and element.get(qn("w:anchor")) is None:
                _unwrap(element)
            elif element.tag == qn("w:attachedTemplate"):
                element.getparent().remove(element)


def _unwrap(element) -> None:
    """Replace ``element`` by its children (a link whose target was removed keeps its text)."""
    parent = element.getparent()
    index = parent.index(element)
    for child in list(element):
        parent.insert(index, child)
        index += 1
    parent.remove(element)


@cached_by_content(maxsize=32)
def inspect_bytes(data: bytes) -> Uncontrolled:
    """Return what an (already validated) .docx file holds outside control, cached by content."""
    return inspect(docx.Document(io.BytesIO(data)))
