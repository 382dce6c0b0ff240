"""Models of the Word document generator: the versions of each Word template."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

TEMPLATE_ORIGINS = {"builtin": "Plantilla del sistema", "upload": "Subida por la institución"}


class TemplateVersion(db.Model):
    """One version of a Word template; the latest of a name is the one in use.

    Versions are never deleted: a generated file names ``<name>@<number>`` in
    ``output_template`` and its template bytes stay in the file store.
    """

    __tablename__ = "template_versions"
    __table_args__ = (sa.UniqueConstraint("name", "number", name="uq_template_versions_name_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: File name under document_templates/ (``procedimiento.docx``).
    name: Mapped[str] = mapped_column(sa.String(80), index=True)
    number: Mapped[int]
    #: The .docx in the file store.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: ``builtin`` (shipped with the system) or ``upload`` (an administrator's file).
    origin: Mapped[str] = mapped_column(sa.String(10), default="builtin")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by = relationship("User")

    def __repr__(self) -> str:
        return f"<TemplateVersion {self.label}>"

    @property
    def label(self) -> str:
        """Return ``procedimiento.docx@3``, as recorded on generated files."""
        return f"{self.name}@{self.number}"

    @property
    def origin_label(self) -> str:
        return TEMPLATE_ORIGINS.get(self.origin, self.origin)


class PdfCopy(db.Model):
    """The PDF made from a stored Word file, once: keyed by the Word file's hash.

    Both files are in the content-addressed store; this row only says which PDF belongs
    to which .docx, so a copy is converted the first time it is asked for and served
    as stored afterwards.
    """

    __tablename__ = "pdf_copies"

    #: The .docx it was made from.
    source_sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Whether LibreOffice wrote it as PDF/A-2b.
    is_pdfa: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    def __repr__(self) -> str:
        return f"<PdfCopy {self.source_sha256[:12]} -> {self.pdf_sha256[:12]}>"
