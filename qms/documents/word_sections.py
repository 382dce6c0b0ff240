"""A Word-authored version read against its type's sections.

The engine gives the file's outline (``qms.docgen.outline``); here its headings are
matched to the type's sections ("1. Objetivo", "1<tab>Objetivo" and "OBJETIVO" all match
the section titled Objetivo), which tells the upload page what was found and what is
missing, lets a submission refuse a file without the required sections, aligns compare
with browser-authored versions, and fills the sections when the author goes back to
writing in the browser.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from qms.docgen.outline import outline_of_bytes
from qms.storage import store

_NUMBER = re.compile(r"^\s*(\d+(\.\d+)*)[.)]?\s*")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def heading_key(heading: str) -> str:
    """Return a heading folded for matching: no number, accents, case or punctuation."""
    return _fold(_NUMBER.sub("", heading or ""))


@dataclass
class SchemaMatch:
    """How a Word file's headings line up with a type's sections."""

    #: Section key -> the text under its heading in the file.
    texts: dict[str, str] = field(default_factory=dict)
    #: Sections of the schema whose heading is in the file / is not.
    found: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    #: Headings of the file that are not sections of the type, with their text, in order.
    extra: list[tuple[str, str]] = field(default_factory=list)
    #: Text before the first heading.
    preamble: str = ""
    #: Section key (or None for the preamble) each extra heading follows.
    extra_after: list[str | None] = field(default_factory=list)

    @property
    def missing_required(self) -> list[dict]:
        return [s for s in self.missing if not s.get("optional")]


def section_label(section: dict) -> str:
    return f"{section['number']}. {section['title']}"


def match_outline(schema: list[dict], outline) -> SchemaMatch:
    """Return how ``outline`` (of a Word file) matches the sections of ``schema``."""
    by_title = {heading_key(s["title"]): s for s in schema}
    result = SchemaMatch(preamble="\n".join(outline.preamble).strip())
    previous = None
    for part in outline.sections:
        section = by_title.get(heading_key(part.heading))
        if section is not None and section["key"] not in result.texts:
            result.texts[section["key"]] = part.text
            previous = section["key"]
        else:
            result.extra.append((part.heading, part.text))
            result.extra_after.append(previous)
    result.found = [s for s in schema if s["key"] in result.texts]
    result.missing = [s for s in schema if s["key"] not in result.texts]
    return result


def match_file(schema: list[dict], data: bytes) -> SchemaMatch:
    return match_outline(schema, outline_of_bytes(data))


def match_version(version) -> SchemaMatch | None:
    """Return the match of a Word-authored version's file, or None for browser versions."""
    if version.authoring_mode != "word" or not version.source_sha256:
        return None
    try:
        data = store.read(version.source_sha256)
    except store.StorageError:
        return None
    return match_file(version.document.type.sections, data)


def sections_from_word(schema: list[dict], found: SchemaMatch) -> dict[str, str]:
    """Return section key -> Markdown text for going back to browser authoring.

    Headings that are not sections of the type are kept as ``### `` sub-headings inside
    the section they follow (the first section for text before any of them), so no text
    of the file is lost.
    """
    texts = {s["key"]: found.texts.get(s["key"], "") for s in schema}
    first = schema[0]["key"] if schema else None
    if found.preamble and first:
        texts[first] = "\n\n".join(t for t in (found.preamble, texts[first]) if t)
    for (heading, text), after in zip(found.extra, found.extra_after):
        key = after or first
        if key is None:
            continue
        texts[key] = "\n\n".join(t for t in (texts[key], f"### {heading}", text) if t)
    return texts
