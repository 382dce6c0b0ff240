"""The data a controlled-document template receives: plain values, never ORM objects.

``version_context`` reads a DocumentVersion once and returns nested dicts of strings
and numbers. That dict is the whole truth about the data: its canonical JSON is hashed
into ``output_data_sha256``, and the renderer turns it into template variables:

    institution.name            logo (image or "")          qr (image)
    document.code / .title / .type_name / .type_code / .process
    version.number / .label ("Versión 01") / .effective_date (dd-mm-aaaa) / .state_label
    approval.authored|reviewed|approved .name / .position / .date
    changes[]: .version / .date / .description / .author
    sections[]: .number / .title / .level / .body (Word paragraphs from Markdown)
    verification.code / .url
"""
from __future__ import annotations

import hashlib
import json

from qms.timeutil import format_date

#: Versions whose row belongs in a later version's change table.
HISTORY_STATES = frozenset({"approved", "effective", "obsolete"})
NOT_YET = "Por definir"


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


def _signer(signature) -> dict:
    if signature is None:
        return {"name": "", "position": "", "date": ""}
    return {
        "name": signature.signer_name,
        "position": signature.signer_position or "",
        "date": format_date(signature.signed_at),
    }


def approval_of(version) -> dict:
    """Return who authored, reviewed and approved ``version`` (blank when not yet)."""
    return {meaning: _signer(version.signature(meaning)) for meaning in ("authored", "reviewed", "approved")}


def _author_name(version) -> str:
    signature = version.signature("authored")
    if signature is not None:
        return signature.signer_name
    return getattr(version.created_by, "full_name", "") if version.created_by else ""


def changes_of(version) -> list[dict]:
    """Return the change-table rows: every approved version up to this one, and this one."""
    rows = []
    for other in version.document.versions:
        if other.number > version.number:
            continue
        if other is not version and other.state not in HISTORY_STATES:
            continue
        rows.append(
            {
                "version": f"{other.number:02d}",
                "date": format_date(other.effective_date) or NOT_YET,
                "description": other.change_description or "",
                "author": _author_name(other),
            }
        )
    return rows


def version_context(version, institution, verification_url: str) -> dict:
    """Return the plain-value context for rendering ``version``."""
    document = version.document
    doc_type = document.type
    return {
        "institution": {
            "name": getattr(institution, "name", "") or "",
            "logo_sha256": getattr(institution, "logo_sha256", None),
        },
        "document": {
            "code": document.code,
            "title": version.title,
            "type_name": doc_type.name,
            "type_code": doc_type.code,
            "process": getattr(document.process, "name", "") if document.process else "",
        },
        "version": {
            "number": version.number,
            "label": f"Versión {version.number:02d}",
            "effective_date": format_date(version.effective_date) or NOT_YET,
            "state": version.state,
        },
        "approval": approval_of(version),
        "changes": changes_of(version),
        "sections": sections_of(doc_type.sections, version.sections),
        "verification": {"code": version.verification_code, "url": verification_url},
    }
