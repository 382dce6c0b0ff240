"""Models of the search module: the durable queue of index jobs.

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
