"""Signed checkpoints of the trail, kept outside the database.

A checkpoint is one JSON line ``{"seq", "hash", "at", "key_id", "mac"}`` appended to
``<TRAIL_CHECKPOINT_PATH>/checkpoints.jsonl``: "entry ``seq`` had hash ``hash`` at
``at``", signed with the trail key. ``qms audit-log verify`` checks the database against
every checkpoint, which catches what the keyed chain alone cannot: a tail cut off with
the head row moved back, or the whole trail deleted.

They are written by ``qms tick`` and ``qms audit-log checkpoint``, and at most daily by
the lazy tick of the web application. Before signing, the entries added since the
previous checkpoint are verified, so each checkpoint vouches only for a sound extension
of the one before. The file is append-only; appends hold an exclusive ``flock`` so that
workers writing at the same moment do not interleave.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app

from qms.extensions import db
from qms.timeutil import system_now
from qms.trail import chain, rows
from qms.trail.keys import current_key

FILE_NAME = "checkpoints.jsonl"
#: How old the last checkpoint may be before the web application writes another.
LAZY_MAX_AGE = timedelta(days=1)
#: Bytes read from the end of the file to find its last line.
_TAIL = 4096


class CheckpointRefused(RuntimeError):
    """The trail does not verify since the last checkpoint: nothing is signed."""

    def __init__(self, message: str, report: chain.ChainReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class Outcome:
    """What ``write`` did: the checkpoint written, or why none was needed."""

    checkpoint: dict | None = None
    skipped: str = ""


def directory() -> Path:
    return Path(current_app.config["TRAIL_CHECKPOINT_PATH"])


def log_path(folder: Path | None = None) -> Path:
    return (folder or directory()) / FILE_NAME


def load(key: bytes, folder: Path | None = None) -> dict[int, dict]:
    """Return every checkpoint by sequence; raise ``chain.CheckpointError`` if one is not genuine."""
    path = log_path(folder)
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        return chain.parse_checkpoints(handle, key, str(path))


def last(folder: Path | None = None) -> dict | None:
    """Return the last checkpoint as written (unverified), or None."""
    path = log_path(folder)
    try:
        with open(path, "rb") as handle:
            return _last_line(handle.fileno())
    except FileNotFoundError:
        return None


def _last_line(fd: int) -> dict | None:
    size = os.fstat(fd).st_size
    if not size:
        return None
    tail = os.pread(fd, min(size, _TAIL), max(0, size - _TAIL)).decode("utf-8", "replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def write(max_age: timedelta | None = None, wait: bool = True) -> Outcome:
    """Sign the committed head into the log, after verifying what was added since the last one.

    Skips when the trail is empty, when nothing was added since the last checkpoint,
    when ``max_age`` is given and the last checkpoint is younger, or (``wait=False``)
    when another process is writing one. Raises ``CheckpointRefused`` when the trail
    does not verify. Call it after committing: it reads in its own connection.
    """
    key = current_key()
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_path(folder), os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return Outcome(skipped="otro proceso está escribiendo un punto de control")
        previous = _genuine_last(fd, key)
        now = system_now()
        if max_age is not None and previous and now - datetime.fromisoformat(previous["at"]) < max_age:
            return Outcome(skipped="el último punto de control es reciente")
        with db.engine.connect() as conn:
            head, max_seq = rows.head_snapshot(conn)
            if head is None or head.seq == 0:
                return Outcome(skipped="la bitácora no tiene entradas")
            if previous and (head.seq, head.hash) == (previous["seq"], previous["hash"]):
                return Outcome(skipped="no hay entradas nuevas desde el último punto de control")
            _verify_since(conn, key, previous, head, max_seq)
        checkpoint = chain.sign_checkpoint(head.seq, head.hash, now.isoformat(timespec="seconds"), key)
        os.write(fd, (json.dumps(checkpoint, sort_keys=True) + "\n").encode())
        os.fsync(fd)
        return Outcome(checkpoint=checkpoint)
    finally:
        os.close(fd)  # also releases the lock


def write_lazily() -> Outcome:
    """The web application's daily checkpoint: never waits for another writer."""
    return write(max_age=LAZY_MAX_AGE, wait=False)


def _genuine_last(fd: int, key: bytes) -> dict | None:
    try:
        previous = _last_line(fd)
    except ValueError:
        raise CheckpointRefused("la última línea de los puntos de control es ilegible") from None
    if previous is not None and not chain.checkpoint_is_genuine(previous, key):
        raise CheckpointRefused("el último punto de control tiene una firma inválida (¿otra clave?)")
    return previous


def _verify_since(conn, key: bytes, previous: dict | None, head: rows.Head, max_seq: int) -> None:
    """Walk the entries from the previous checkpoint (or the start) to ``head``; raise if unsound."""
    walker = chain.ChainWalker(key, {previous["seq"]: previous} if previous else {})
    start = 1
    if previous:
        anchor = rows.entry_at(conn, previous["seq"])
        if anchor is None:
            raise CheckpointRefused(f"falta la entrada {previous['seq']} del último punto de control")
        start = walker.expected_seq = previous["seq"]
        walker.expected_prev = anchor["prev_hash"]
    for entry in rows.entries(conn, start_seq=start, until_seq=head.seq):
        if not walker.feed(entry):
            break
    report = walker.finish(head.pair, entries_after_head=max_seq > head.seq)
    if not report.ok:
        raise CheckpointRefused(f"la bitácora no se verifica en la entrada {report.broken_at}: {report.reason}",
                                report)
