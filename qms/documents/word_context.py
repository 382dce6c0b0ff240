"""A version's Word context: the DocumentVersion read once into plain values.

The shape is the one ``qms.docgen.context`` documents for controlled documents; the
engine renders it and ``qms.documents.word`` hashes it into ``output_data_sha256``, so
every key here is part of what an approved file records.
"""
from __future__ import annotations

from qms.docgen.context import sections_of
from qms.docgen.institution import InstitutionInfo
from qms.timeutil import format_date

#: Versions whose row belongs in a later version's change table.
HISTORY_STATES = frozenset({"approved", "effective", "obsolete"})
NOT_YET = "Por definir"
#: How a paper signature of an imported version is labelled: never as an electronic one.
HISTORICAL_NOTE = "Registro histórico"


def _signer(signature) -> dict:
    if signature is None:
        return {"name": "", "position": "", "date": ""}
    return {
        "name": signature.signer_name,
        "position": signature.signer_position or "",
        "date": format_date(signature.signed_at),
    }


def _historical(signature) -> dict:
    """A paper signature of an imported version, printed as what it is: a historical record."""
    importer = signature.imported_by.full_name if signature.imported_by else "el sistema"
    return {
        "name": signature.signer_name,
        "position": f"{HISTORICAL_NOTE} (importado por {importer} el {format_date(signature.imported_at)})",
        "date": format_date(signature.signed_on),
    }


def approval_of(version) -> dict:
    """Return who authored, reviewed and approved ``version`` (blank when not yet).

    «Elaboró» names every author who saved content, once the version is signed. An
    imported version names its paper signatures, marked «Registro histórico».
    """
    if version.historical_signatures:
        return {meaning: _historical(s) if (s := version.historical_signature(meaning)) else _signer(None)
                for meaning in ("authored", "reviewed", "approved")}
    approval = {meaning: _signer(version.signature(meaning)) for meaning in ("authored", "reviewed", "approved")}
    if approval["authored"]["name"] and version.contributors:
        approval["authored"]["name"] = ", ".join(author_names(version))
        positions = {u.position for u in version.contributors if u.position}
        approval["authored"]["position"] = ", ".join(sorted(positions)) or approval["authored"]["position"]
    return approval


def _author_name(version) -> str:
    return ", ".join(author_names(version))


def author_names(version) -> list[str]:
    """Return who authored ``version`` (Elaboró): those who saved content into it, else its
    signer, else who created it."""
    if version.contributors:
        return [u.full_name for u in version.contributors]
    signature = version.signature("authored") or version.historical_signature("authored")
    if signature is not None:
        return [signature.signer_name]
    return [version.created_by.full_name] if version.created_by else []


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


def version_context(version, institution: InstitutionInfo, verification_url: str) -> dict:
    """Return the plain-value context for rendering ``version``."""
    document = version.document
    doc_type = document.type
    return {
        "institution": {"name": institution.name or "", "logo_sha256": institution.logo_sha256},
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
