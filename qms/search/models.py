"""Models of the search module: the durable queue of index jobs, and the glossary.

A job is written in the same transaction as the change it describes, so a rolled-back
change never reaches the index and a committed one is never forgotten: the job row stays
until the index write that applies it has been committed (see ``qms.search.queue``).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

#: Job actions.
ACTION_INDEX = "index"
ACTION_REMOVE = "remove"


class IndexJob(db.Model):
    """One pending change to the search index: (re)index or remove one object."""

    __tablename__ = "search_index_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Registered kind name (``document``, ``record``, ...).
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: Id of the object within its kind (a DocumentVersion id for ``document``).
    object_id: Mapped[int]
    #: ``index`` or ``remove``.
    action: Mapped[str] = mapped_column(sa.String(10), default=ACTION_INDEX)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: How many times applying it failed, and why the last time (for ``qms search check``).
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    #: After a failure, not tried again before this time (backing off); never dropped.
    retry_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_search_index_jobs_kind_object", "kind", "object_id"),)

    def __repr__(self) -> str:
        return f"<IndexJob {self.id} {self.action} {self.kind}:{self.object_id}>"


class GlossaryEntry(db.Model):
    """One expression of the institution's search glossary and what means the same.

    Managed by the quality committee (``qms.search.glossary``) and applied to every
    query (``qms.search.expansion``): searching any of ``term`` and ``equivalents``
    finds what any of them finds.
    """

    __tablename__ = "search_glossary"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The word or acronym as the committee writes it ("PAC", "queja").
    term: Mapped[str] = mapped_column(sa.String(120))
    #: ``term`` folded and trimmed: one entry per term, whatever its accents or case.
    term_key: Mapped[str] = mapped_column(
        sa.String(120), unique=True, info={"conflict": "Ese término ya está en el glosario."})
    #: What it means or what else is said for it, one expression per line.
    equivalents: Mapped[str] = mapped_column(sa.Text, default="")
    #: Why the entry exists, for the committee (not searched).
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    @property
    def expressions(self) -> list[str]:
        """Return the term and its equivalents, the group a query expands to."""
        return [self.term, *[line.strip() for line in self.equivalents.splitlines() if line.strip()]]

    def __repr__(self) -> str:
        return f"<GlossaryEntry {self.term}>"
