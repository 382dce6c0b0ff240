"""Verify the trail in the database against the key and the signed checkpoints.

Read order matters while writers run: the checkpoints first (each was written from a
committed head, so none is ahead of what the database holds afterwards), then the head
and the highest sequence in one statement, then the entries up to that head in batches.
"""
from __future__ import annotations

from pathlib import Path

from qms.extensions import db
from qms.trail import checkpoints, rows
from qms.trail.chain import ChainReport, CheckpointError, verify_entries
from qms.trail.keys import current_key


def verify_chain(batch_size: int = rows.BATCH, key: bytes | None = None, checkpoint_folder: Path | None = None,
                 release_between_batches: bool = False) -> ChainReport:
    """Walk the chain in order and return where it first breaks, if anywhere.

    ``broken_at`` names the first altered entry, or the first of a missing range; 0 means
    the checkpoint log itself is not genuine. ``release_between_batches`` ends the
    session's transaction after each batch (only for a caller with nothing pending, like
    the CLI), so that on SQLite writers are not kept waiting by a long walk.
    """
    key = key or current_key()
    try:
        signed = checkpoints.load(key, checkpoint_folder)
    except CheckpointError as error:
        return ChainReport().fail(0, str(error))
    session = db.session()
    head, max_seq = rows.head_snapshot(session)
    between = session.rollback if release_between_batches else None
    entries = rows.entries(session, until_seq=head.seq if head else None, batch=batch_size, between_batches=between)
    return verify_entries(entries, key, signed, head.pair if head else None,
                          entries_after_head=head is not None and max_seq > head.seq)
