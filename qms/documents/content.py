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

    A version authored in Word has its extracted text as a single section.
    """
    if version.authoring_mode == "word":
        return [("word", "Contenido (archivo Word)", version.source_text or "")]
    out = []
    for section in version.document.type.sections:
        heading = f"{section['number']}. {section['title']}"
        out.append((section["key"], heading, (version.sections or {}).get(section["key"], "")))
    return out
