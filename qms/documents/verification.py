"""What the public verification page may say about a printed copy's code."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from qms.documents.models import DocumentVersion
from qms.extensions import db
from qms.timeutil import format_date

#: What each state means for someone holding a copy.
VERDICTS = {
    "effective": "Esta copia corresponde a la versión vigente.",
    "obsolete": "Esta copia corresponde a una versión obsoleta: fue reemplazada.",
    "withdrawn": "Esta copia corresponde a una versión anulada: no tiene validez.",
    "approved": "Esta copia corresponde a una versión aprobada que aún no entra en vigencia.",
}
DRAFT_VERDICT = "Esta copia corresponde a un borrador: no es un documento aprobado."


@dataclass
class Verdict:
    """The answer for one code: no content, only identity and status."""

    document_code: str
    version_label: str
    state_label: str
    is_effective: bool
    message: str
    effective_label: str | None
    effective_date: str
    #: For the signed-in reader who may open it; never shown to anonymous visitors.
    version: object


def find(code: str) -> Verdict | None:
    """Return the verdict for verification ``code``, or None when no copy carries it."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    version = db.session.scalar(sa.select(DocumentVersion).where(DocumentVersion.verification_code == code))
    if version is None:
        return None
    current = version.document.effective_version
    return Verdict(
        document_code=version.document.code,
        version_label=version.label,
        state_label=version.state_label,
        is_effective=version.state == "effective",
        message=VERDICTS.get(version.state, DRAFT_VERDICT),
        effective_label=current.label if current is not None and current is not version else None,
        effective_date=format_date(current.effective_date) if current is not None else "",
        version=version,
    )
