"""Remove crash leftovers from the store: ``qms storage gc``.

A file is written into the store before the transaction that registers it commits. If
the process dies in between (kill -9, a power cut) or the transaction rolls back, the
file stays with no row: an orphan. Nothing refers to it, so it is harmless, but it takes
space and ``qms storage check`` lists it. Leftover temporary files (``.tmp-…``) of an
interrupted write are the same.

Only leftovers older than ``MIN_AGE_SECONDS`` (by modification time) are removed: a
younger file may belong to a transaction still running. ``store.put`` refreshes the
modification time of a file it finds already there, and a candidate is first renamed
aside, then judged again (age and row) and put back if it turned out to be in use, so a
writer that reuses an orphan's content at that very moment never loses its file. Files
that are neither (unexpected names or folders) are reported and never removed. The
removal is recorded in the trail; without ``apply`` nothing changes (dry run).
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from qms.storage import check, store
from qms.trail import service as trail

#: Age (seconds since the last modification) from which an unreferenced file is removed.
MIN_AGE_SECONDS = 3600
TEMPORARY_PREFIX = ".tmp-"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Files named in the trail entry; the count and the bytes cover all of them.
_NAMED_IN_TRAIL = 100


@dataclass
class Leftover:
    path: str
    kind: str  # orphan / temporary
    size: int


@dataclass
class GcReport:
    applied: bool
    min_age_seconds: int
    #: Old enough: removed (``applied``) or to be removed by ``--apply``.
    leftovers: list[Leftover] = field(default_factory=list)
    #: Unreferenced but younger than the threshold: left for a later run.
    recent: int = 0
    #: Unexpected files: reported, never removed automatically.
    unknown: list[str] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(item.size for item in self.leftovers)


def collect(actor=None, apply: bool = False, min_age_seconds: int = MIN_AGE_SECONDS) -> GcReport:
    """Find (and with ``apply`` remove) the leftovers older than ``min_age_seconds``.

    With ``apply`` and something removed, an entry is recorded in the trail; the caller
    commits it.
    """
    report = GcReport(applied=apply, min_age_seconds=min_age_seconds)
    for row, item in check.side_by_side(store.root()):
        if row is not None or item is None:
            continue
        path = item[1]
        kind = _kind(path)
        if kind is None:
            report.unknown.append(str(path))
            continue
        size = _old_size(path, min_age_seconds)
        if size is None:
            report.recent += 1
            continue
        if kind == "orphan" and not check.is_unreferenced(path):
            continue  # registered meanwhile
        if apply and not _remove(path, kind, min_age_seconds):
            report.recent += 1
            continue
        report.leftovers.append(Leftover(str(path), kind, size))
    if apply and report.leftovers:
        root = store.root()
        trail.record(actor, "storage.gc", "storage", "store", "Almacén de archivos", {
            "removed": len(report.leftovers), "bytes": report.bytes, "min_age_seconds": min_age_seconds,
            "files": [str(Path(item.path).relative_to(root)) for item in report.leftovers[:_NAMED_IN_TRAIL]],
        })
    return report


def _kind(path: Path) -> str | None:
    if path.name.startswith(TEMPORARY_PREFIX) and path.is_file():
        return "temporary"
    if _SHA256.match(path.name) and path == store.path_for(path.name):
        return "orphan"
    return None


def _old_size(path: Path, min_age_seconds: int) -> int | None:
    """Return the file's size if it was last modified at least ``min_age_seconds`` ago."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size if time.time() - stat.st_mtime >= min_age_seconds else None


def _remove(path: Path, kind: str, min_age_seconds: int) -> bool:
    """Remove one leftover; return False if it turned out to be in use and was kept."""
    if kind == "temporary":
        path.unlink(missing_ok=True)  # a writer's temporary name is its own; an old one is dead
        return True
    aside = path.with_name(f"{TEMPORARY_PREFIX}gc-{path.name}")
    try:
        os.rename(path, aside)  # from here on a writer that reuses the content writes it anew
    except FileNotFoundError:
        return False
    try:
        if _old_size(aside, min_age_seconds) is None or not check.is_unreferenced(path):
            try:
                os.link(aside, path)  # touched or registered just before the rename: put it back
            except FileExistsError:
                pass
            return False
        return True
    finally:
        aside.unlink(missing_ok=True)
