"""Check every stored file against its checksum: ``qms storage check``.

Safe while the application serves: it only reads. Rows are read in short batches
(keyset pagination on ``sha256``), each in its own brief transaction, and files are
hashed outside any transaction, so no database lock is held while hashing. The
database and the directory tree are walked side by side in the same (sorted) order,
so memory stays flat however many files there are.

What it reports:

* ``missing``: a row in ``stored_files`` whose file is not on disk;
* ``altered``: a file whose SHA-256 (or size) differs from its name/row;
* ``orphan``: a file (or leftover temporary file) under the store with no row.

Missing and altered files are damage (the command exits 1). Orphans are not: a file is
written before the transaction that registers it commits, so a crash (or a rollback at
the wrong moment) leaves one behind; nothing refers to it. ``qms storage gc`` removes
those older than an hour.

Writers that run at the same time are not mistaken for damage: every candidate
"missing" or "orphan" is checked again at the end, and unreferenced files younger than
``grace_seconds`` (a transaction that wrote its file and has not committed yet) are
left alone.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa

from qms.extensions import db
from qms.storage import store
from qms.storage.models import StoredFile

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
BATCH = 500
CHUNK = 1024 * 1024
#: Seconds an unreferenced file may be in the store before it is called an orphan.
GRACE_SECONDS = 300


@dataclass
class Problem:
    kind: str  # missing / altered / orphan
    sha256: str
    path: str
    detail: str = ""


@dataclass
class CheckReport:
    checked: int = 0
    bytes_read: int = 0
    recent_skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing at all to report."""
        return not self.problems

    @property
    def intact(self) -> bool:
        """No file missing or altered. Orphans alone are harmless: see ``qms.storage.gc``."""
        return not any(p.kind in ("missing", "altered") for p in self.problems)

    def by_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _rows() -> Iterator[tuple[str, int]]:
    """Yield (sha256, size) of every row in order, reading in short transactions."""
    last = ""
    while True:
        rows = db.session.execute(
            sa.select(StoredFile.sha256, StoredFile.size).where(StoredFile.sha256 > last)
            .order_by(StoredFile.sha256).limit(BATCH)).all()
        db.session.rollback()  # end the read transaction at once: no lock is kept
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _files(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield (name, path) of every file under the store, sorted as the rows are.

    A well-placed file sits at ``ab/cd/abcd…``; anything else (wrong folder, bad name,
    leftover ``.tmp-`` files) is yielded with a name that sorts where it was found and
    never matches a row.
    """
    for first in sorted(os.scandir(root), key=lambda e: e.name):
        yield from _walk_level(first, root, depth=1)


def _walk_level(entry: os.DirEntry, root: Path, depth: int) -> Iterator[tuple[str, Path]]:
    path = Path(entry.path)
    if entry.is_dir(follow_symlinks=False):
        if depth < 3:
            for child in sorted(os.scandir(path), key=lambda e: e.name):
                yield from _walk_level(child, root, depth + 1)
            return
        yield "~" + str(path.relative_to(root)), path  # an unexpected folder
        return
    relative = path.relative_to(root).parts
    name = entry.name
    well_placed = depth == 3 and _SHA256.match(name) and relative[0] == name[:2] and relative[1] == name[2:4]
    yield (name if well_placed else "~" + str(path.relative_to(root))), path


def _sorted_files(root: Path, misplaced: list) -> Iterator[tuple[str, Path]]:
    """Yield the well-placed files in checksum order; put anything else in ``misplaced``."""
    for name, path in _files(root):
        if name.startswith("~"):
            misplaced.append(path)
        else:
            yield name, path


def _is_recent(path: Path, grace_seconds: int) -> bool:
    try:
        return time.time() - path.stat().st_mtime < grace_seconds
    except FileNotFoundError:
        return True


def _row_exists(sha256: str) -> bool:
    found = db.session.get(StoredFile, sha256, populate_existing=True) is not None
    db.session.rollback()
    return found


def side_by_side(root: Path) -> Iterator[tuple[tuple[str, int] | None, tuple[str, Path] | None]]:
    """Walk the rows and the well-placed files in step: yield (row, file), either may be None.

    Misplaced files (bad names, leftover temporary files) are yielded last as (None, file).
    """
    rows = _rows()
    files = _sorted_files(root, misplaced := [])
    row, item = next(rows, None), next(files, None)
    while row is not None or item is not None:
        if item is None or (row is not None and row[0] < item[0]):
            yield row, None
            row = next(rows, None)
        elif row is None or item[0] < row[0]:
            yield None, item
            item = next(files, None)
        else:
            yield row, item
            row, item = next(rows, None), next(files, None)
    for path in misplaced:
        yield None, (path.name, path)


def is_unreferenced(path: Path) -> bool:
    """Whether ``path`` is, right now, not the file of any row (checked again in the database)."""
    return not (_SHA256.match(path.name) and _row_exists(path.name) and path == store.path_for(path.name))


def check(grace_seconds: int = GRACE_SECONDS) -> CheckReport:
    """Re-hash every stored file and return what is missing, altered or orphan."""
    report = CheckReport()
    missing, orphans = [], []
    for row, item in side_by_side(store.root()):
        if item is None:
            missing.append(row[0])
        elif row is None:
            orphans.append(item[1])
        else:
            _verify(report, row, item[1])
    for sha256 in missing:
        path = store.path_for(sha256)
        if path.exists():
            _verify(report, (sha256, None), path)  # written meanwhile
        elif _row_exists(sha256):
            report.problems.append(Problem("missing", sha256, str(path), "el archivo no está en el almacén"))
    for path in orphans:
        if _is_recent(path, grace_seconds):
            report.recent_skipped += 1
        elif is_unreferenced(path):
            report.problems.append(Problem("orphan", path.name if _SHA256.match(path.name) else "", str(path),
                                           "archivo sin registro en la base de datos"))
    return report


def _verify(report: CheckReport, row: tuple[str, int | None], path: Path) -> None:
    sha256, expected_size = row
    try:
        actual, size = _hash_file(path)
    except FileNotFoundError:
        if _row_exists(sha256):
            report.problems.append(Problem("missing", sha256, str(path), "el archivo no está en el almacén"))
        return
    report.checked += 1
    report.bytes_read += size
    if actual != sha256:
        report.problems.append(Problem("altered", sha256, str(path), f"su contenido tiene SHA-256 {actual}"))
    elif expected_size is not None and size != expected_size:
        report.problems.append(Problem("altered", sha256, str(path), f"mide {size} bytes; se registraron {expected_size}"))
