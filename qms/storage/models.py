"""Stored files, addressed by the SHA-256 of their content."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc


class StoredFile(db.Model):
    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    #: Detected from the content, never taken from the client.
    content_type: Mapped[str] = mapped_column(sa.String(120), default="application/octet-stream")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    def __repr__(self) -> str:
        return f"<StoredFile {self.sha256[:12]} {self.size}>"
