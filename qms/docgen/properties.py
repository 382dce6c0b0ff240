"""A generated file's document properties: only what the caller says, nothing inherited.

Word shows these in File > Info and search tools index them, so a copy must carry the
controlled data (title, code, author, dates, version, language) and nothing of whoever
last saved the template or the uploaded file: their name, company, comments and custom
properties are cleared.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from docx.oxml.ns import qn

LANGUAGE = "es-CL"
_APP_PERSONAL = re.compile(rb"<(Company|Manager|HyperlinkBase)>.*?</\1>|<(Company|Manager|HyperlinkBase)\s*/>", re.S)
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


@dataclass
class Properties:
    title: str
    subject: str
    author: str
    created: datetime | None
    modified: datetime | None
    version: str
    keywords: str = ""
    category: str = ""


def apply(document, props: Properties) -> None:
    """Set ``document``'s properties to ``props``, clearing every other personal one."""
    core = document.core_properties
    core.title = props.title[:250]
    core.subject = props.subject
    core.author = props.author
    core.last_modified_by = props.author
    core.keywords = props.keywords
    core.category = props.category
    core.comments = ""
    core.content_status = ""
    core.identifier = props.subject
    core.language = LANGUAGE
    core.version = props.version
    core.revision = 1
    if props.created:
        core.created = props.created.replace(tzinfo=None)
    if props.modified:
        core.modified = props.modified.replace(tzinfo=None)
    core.last_printed = datetime(2000, 1, 1)  # python-docx cannot remove it; a neutral value
    _set_language(document)
    _clear_app_and_custom(document)


def _set_language(document) -> None:
    """Make es-CL the default language of the text (spelling, hyphenation, screen readers)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = defaults.makeelement(qn("w:rPrDefault"), {})
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = rpr_default.makeelement(qn("w:rPr"), {})
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _clear_app_and_custom(document) -> None:
    """Drop the company and manager of docProps/app.xml and every custom property."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == _CUSTOM_REL:
            del package.rels[rel_id]
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml" and hasattr(part, "_blob"):
            part._blob = _APP_PERSONAL.sub(b"", part._blob)  # noqa: SLF001 (a generic part's bytes)
