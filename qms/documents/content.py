"""A version's content: cleaning input, the canonical form that is signed, plain text."""
from __future__ import annotations

import hashlib
import json
import re


def clean_sections(schema: list[dict], submitted: dict) -> dict:
    """Keep only the schema's sections, as stripped strings with Unix line ends."""
    cleaned = {}
    for section in schema:
        text = submitted.get(section["key"]) or ""
        cleaned[section["key"]] = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return cleaned


def canonical_content(version) -> dict:
    """Return what a signature covers: identity, title, text, references, source file."""
    return {
        "code": version.document.code,
        "number": version.number,
        "title": version.title,
        "sections": {k: version.sections[k] for k in sorted(version.sections or {})},
        "change_description": version.change_description,
        "authoring_mode": version.authoring_mode,
        "source_sha256": version.source_sha256,
        "references": sorted(d.code for d in version.references),
        "record_types": sorted(t.code for t in version.record_types),
    }


def content_sha256(version) -> str:
    payload = json.dumps(canonical_content(version), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


_MARKUP = re.compile(r"(\*\*|__|\*|_|^#+\s*|^\s*[-*+]\s+|^\s*\d+[.)]\s+|\|)", re.M)


def plain_text(markdown_text: str) -> str:
    """Return the Markdown subset's text without its markup (for search and compare)."""
    lines = [line for line in (markdown_text or "").splitlines() if not re.fullmatch(r"[\s|:\-]+", line or "-")]
    return _MARKUP.sub(" ", "\n".join(lines))


def section_texts(version) -> list[tuple[str, str, str]]:
    """Return ``(key, heading, text)`` for every section of the version's type.

    A version authored in Word has the text its file holds under each section's heading
    (so it aligns with browser-authored versions), then the file's other headings; if the
    file cannot be read, its extracted text as a single section.
    """
    if version.authoring_mode == "word":
        return _word_section_texts(version)
    out = []
    for section in version.document.type.sections:
        heading = f"{section['number']}. {section['title']}"
        out.append((section["key"], heading, (version.sections or {}).get(section["key"], "")))
    return out


def _word_section_texts(version) -> list[tuple[str, str, str]]:
    from qms.documents.word_sections import heading_key, match_version, section_label

    found = match_version(version)
    if found is None:
        return [("word", "Contenido (archivo Word)", version.source_text or "")]
    out = []
    if found.preamble:
        out.append(("word:preamble", "Texto antes del primer título", found.preamble))
    out += [(s["key"], section_label(s), found.texts.get(s["key"], "")) for s in version.document.type.sections]
    out += [(f"word:{heading_key(heading)}", heading, text) for heading, text in found.extra]
    return out
