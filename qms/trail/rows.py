"""Read the chain from the database: the head and the entries, in short batches.

Everything here reads columns, not entities, so a verification loads nothing into the
caller's session and holds no row locks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import sqlalchemy as sa

from qms.trail.models import CHAIN_COLUMNS, AuditEntry, TrailHead, chain_fields

#: Entries read per round trip.
BATCH = 1000


@dataclass(frozen=True)
class Head:
    """The head row: the last link of the chain."""

    seq: int
    hash: str

    @property
    def pair(self) -> tuple[int, str]:
        return self.seq, self.hash


def head_snapshot(executor) -> tuple[Head | None, int]:
    """Return (head or None, highest sequence in the table), read in one statement.

    One statement sees one snapshot, and the entries and the head commit together, so a
    sequence beyond the head here is never a writer's commit racing the reader.
    """
    top = sa.select(sa.func.coalesce(sa.func.max(AuditEntry.seq), 0)).scalar_subquery()
    row = executor.execute(sa.select(TrailHead.last_seq, TrailHead.last_hash, top).where(TrailHead.id == 1)).first()
    if row is None:
        return None, executor.execute(sa.select(top)).scalar() or 0
    return Head(row[0], row[1]), row[2]


def entries(executor, start_seq: int = 1, until_seq: int | None = None, batch: int = BATCH,
            between_batches=None) -> Iterator[dict]:
    """Yield ``chain_fields`` of the entries from ``start_seq`` (up to ``until_seq``) in order.

    ``between_batches`` is called after each batch (the CLI ends its transaction there,
    so a long verification on SQLite does not keep writers waiting).
    """
    last = start_seq - 1
    while True:
        stmt = sa.select(*CHAIN_COLUMNS).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        if until_seq is not None:
            stmt = stmt.where(AuditEntry.seq <= until_seq)
        rows = executor.execute(stmt).all()
        if between_batches is not None:
            between_batches()
        if not rows:
            return
        for row in rows:
            yield chain_fields(row)
        last = rows[-1].seq


def entry_at(executor, seq: int) -> dict | None:
    row = executor.execute(sa.select(*CHAIN_COLUMNS).where(AuditEntry.seq == seq)).first()
    return chain_fields(row) if row is not None else None
