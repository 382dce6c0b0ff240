"""What a template receives: plain values, never ORM objects, and the hash of that data.

A context is nested dicts of strings and numbers. It is the whole truth about the data:
its canonical JSON is hashed (``data_sha256``) and recorded with the generated file, and
the renderer turns it into template variables.

A controlled document's context (the documents module builds one for each version;
``samples.SAMPLE_DOCUMENT_CONTEXT`` is an example) holds:

    institution.name / .logo_sha256     logo (image or "")      qr (image)
    document.code / .title / .type_name / .type_code / .process
    version.number / .label ("Versión 01") / .effective_date (dd-mm-aaaa) / .state
    approval.authored|reviewed|approved .name / .position / .date
    changes[]: .version / .date / .description / .author
    sections[]: .number / .title / .level / .body (Word paragraphs from Markdown)
    verification.code / .url
"""
from __future__ import annotations

import hashlib
import json


def canonical_json(context: dict) -> bytes:
    """Return the context as canonical JSON (sorted keys, no spaces, UTF-8)."""
    return json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def data_sha256(context: dict) -> str:
    return hashlib.sha256(canonical_json(context)).hexdigest()


def section_level(number: str) -> int:
    """Return the heading level of a section number: "6" -> 1, "6.2" -> 2."""
    return min(str(number).strip(".").count(".") + 1, 3)


def sections_of(schema: list[dict], contents: dict) -> list[dict]:
    """Return the sections in schema order, each with its Markdown text."""
    return [
        {
            "key": item["key"],
            "number": str(item.get("number", "")),
            "title": item.get("title", item["key"]),
            "level": section_level(item.get("number", "")),
            "markdown": (contents or {}).get(item["key"], "") or "",
        }
        for item in schema or []
    ]
