"""PDF copies made ahead of time: each version that takes effect gets its PDF once, from the
job runner (``qms jobs run``), so the first person to download it does not wait for
LibreOffice and a transition never does. A download still converts a copy the runner has
not reached yet (``delivery.deliver_pdf``); both end in the same stored file."""
from __future__ import annotations

import sqlalchemy as sa

from qms.docgen import pdf
from qms.docgen.models import PdfCopy
from qms.documents.models import DocumentVersion
from qms.extensions import db

#: Conversions per run (about half a second each with the converter warm).
PER_RUN = 20


def pending(limit: int = PER_RUN) -> list[str]:
    """The Word files of effective versions that have no PDF copy yet, oldest first."""
    has_copy = sa.exists().where(PdfCopy.source_sha256 == DocumentVersion.output_sha256)
    return list(db.session.scalars(
        sa.select(DocumentVersion.output_sha256)
        .where(DocumentVersion.state == "effective", DocumentVersion.output_sha256.is_not(None),
               DocumentVersion.authoring_mode != "pdf", ~has_copy)
        .order_by(DocumentVersion.id).limit(limit)))


def make_pending(limit: int = PER_RUN) -> str:
    """Convert up to ``limit`` pending copies; say what was done (the job's summary)."""
    if not pdf.available():
        return "LibreOffice no está instalado: sin copias PDF"
    done = 0
    for sha in pending(limit):
        pdf.pdf_of_stored(sha)
        db.session.commit()
        done += 1
    return f"{done} copias PDF"
