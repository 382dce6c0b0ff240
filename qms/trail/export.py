"""Export the trail for an external auditor: JSON lines, verifiable offline.

The first line is a header: format, export time, the head and the last signed
checkpoint. Every other line is one entry with every field its hash covers. The
auditor checks the file with ``qms/trail/chain.py`` (standard library only) and the
trail key; see the README.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TextIO

from qms.extensions import db
from qms.timeutil import system_now
from qms.trail import chain, checkpoints, rows
from qms.trail.keys import current_key


@dataclass
class ExportSummary:
    entries: int
    head: rows.Head | None
    checkpoint: dict | None


def export(out: TextIO) -> ExportSummary:
    """Write the trail up to its current head into ``out``; raise ``chain.CheckpointError`` if the log is forged."""
    key = current_key()
    signed = checkpoints.load(key)  # read before the head: no checkpoint is ahead of it
    last = signed[max(signed)] if signed else None
    with db.engine.connect() as conn:
        head, _max_seq = rows.head_snapshot(conn)
    header = {
        "type": "header", "format": chain.EXPORT_FORMAT, "exported_at": system_now().isoformat(timespec="seconds"),
        "key_id": chain.key_id(key), "head": {"seq": head.seq, "hash": head.hash} if head else None,
        "checkpoint": last,
    }
    out.write(json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n")
    count = 0
    if head is not None:
        # Each batch in its own short connection: a large export keeps no writer waiting.
        for entry in _entries_in_short_reads(head.seq):
            out.write(json.dumps({"type": "entry", **entry}, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return ExportSummary(count, head, last)


def _entries_in_short_reads(until_seq: int, batch: int = rows.BATCH):
    """Yield the entries up to ``until_seq``, one window of sequences per connection."""
    start = 1
    while start <= until_seq:
        end = min(until_seq, start + batch - 1)
        with db.engine.connect() as conn:
            chunk = list(rows.entries(conn, start_seq=start, until_seq=end, batch=batch))
        yield from chunk
        start = end + 1
