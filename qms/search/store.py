"""The index on disk: generations, the write lock, and health.

Layout under ``INDEX_PATH``::

    current -> gen-20260301T101500-4242   symlink to the generation in use
    gen-.../                              a Whoosh index plus ``qms-index.json``
    write.lock                            flock held by the one process writing

A rebuild writes a fresh generation and swaps the ``current`` symlink with
``os.replace``, which is atomic: readers see the old index or the new one, never half of
one. The write lock is a kernel ``flock`` outside the generations, so a crashed holder
releases it automatically (a leftover lock *file* means nothing) and a writer and a
rebuild can never write to different generations at once.
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from qms.search.schema import SCHEMA_VERSION, build_schema
from qms.timeutil import now_utc


def _patch_whoosh_length_lookup() -> None:
    """Make Whoosh remember that a field has no length column.

    ``W3PerDocReader._cached_reader`` caches a field's length reader but not its absence,
    so for every posting of an unscored field (``spell``, ``visibility``, ``codekey``...)
    a segment flush asks the filesystem whether the column file exists: one ``stat()``
    per posting, a third of bulk-indexing time. Segment files never change once written,
    so caching the absence is safe.
    """
    from whoosh.codec import whoosh3

    cls = getattr(whoosh3, "W3PerDocReader", None)
    if cls is None or getattr(cls, "_qms_patched", False):
        return
    if not all(hasattr(obj, name) for obj, name in
               ((cls, "_cached_reader"), (cls, "doc_field_length"), (whoosh3, "_lenfield"))):
        return  # another Whoosh release: indexing stays correct, only slower
    original = cls._cached_reader

    def _cached_reader(self, fieldname, column):
        missing = self.__dict__.setdefault("_qms_missing", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    original_length = cls.doc_field_length

    def doc_field_length(self, docnum, fieldname, default=0):
        # Asked once per posting while flushing a segment; unscored fields have no column.
        if whoosh3._lenfield(fieldname) in self.__dict__.get("_qms_missing", ()):
            return default
        return original_length(self, docnum, fieldname, default)

    cls._cached_reader = _cached_reader
    cls.doc_field_length = doc_field_length
    cls._qms_patched = True


_patch_whoosh_length_lookup()

META_FILE = "qms-index.json"
CURRENT = "current"
LOCK_FILE = "write.lock"

#: Health states of the index.
OK, MISSING, OUTDATED, BROKEN = "ok", "missing", "outdated", "broken"


@dataclass
class Health:
    state: str
    detail: str = ""
    path: Path | None = None

    @property
    def is_ok(self) -> bool:
        return self.state == OK


def root_path(app=None) -> Path:
    """Return ``INDEX_PATH`` of the current (or given) app."""
    from flask import current_app

    return Path((app or current_app).config["INDEX_PATH"])


def current_generation(root: Path) -> Path | None:
    """Return the generation directory in use, or None."""
    link = root / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = root / target
    return path if path.is_dir() else None


def _storage(gen: Path) -> FileStorage:
    """The Whoosh storage of a generation, read with plain reads, never ``mmap``.

    With ``mmap`` a segment file truncated under a running worker (a full disk, a bad
    copy, an operator's mistake) is not an error Python can catch: touching the pages
    past its new end kills the worker with SIGBUS. Plain reads raise an exception
    instead, which the search turns into the degraded notice (``IndexUnavailable``).
    The posting sets the engine uses are cached per segment (``segcache``), so the
    reads ``mmap`` would save are few.
    """
    return FileStorage(str(gen), supports_mmap=False)


def health(root: Path, deep: bool = False) -> Health:
    """Return whether the index can be used, and why not.

    ``deep`` also opens every segment (the health check): a truncated segment passes
    the shallow check, which reads only the table of contents.
    """
    if root.exists() and not root.is_dir():
        return Health(BROKEN, f"la ruta del índice {root} no es una carpeta")
    if root.exists() and not os.access(root, os.R_OK | os.X_OK):
        return Health(BROKEN, f"no se puede leer la carpeta del índice {root}")
    gen = current_generation(root)
    if gen is None:
        return Health(MISSING, "no hay índice de búsqueda")
    try:
        meta = json.loads((gen / META_FILE).read_text())
    except PermissionError:
        return Health(BROKEN, f"no se puede leer el índice en uso ({gen.name})", gen)
    except (OSError, ValueError):
        return Health(BROKEN, "falta la descripción del índice", gen)
    if meta.get("schema_version") != SCHEMA_VERSION:
        return Health(OUTDATED, f"índice de la versión {meta.get('schema_version')}", gen)
    try:
        ix = open_index(gen)
    except BrokenIndexError as exc:
        return Health(BROKEN, str(exc), gen)
    detail = None
    with quiet_leaks(collect=False):
        try:
            if deep:
                ix.reader().close()
        except Exception as exc:  # noqa: BLE001 - Whoosh raises anything on a damaged segment
            detail = f"{type(exc).__name__}: {exc}"
        finally:
            ix.close()
        if detail is not None:
            gc.collect()  # the files Whoosh left open, once the exception is gone
    if detail is not None:
        return Health(BROKEN, detail, gen)
    return Health(OK, "", gen)


class BrokenIndexError(Exception):
    """The index files cannot be read (truncated, deleted, foreign)."""


def open_index(gen: Path):
    """Open a generation; raise BrokenIndexError if its files cannot be read."""
    with quiet_leaks(collect=False):
        try:
            return _storage(gen).open_index(schema=build_schema())
        except Exception as exc:  # noqa: BLE001 - Whoosh raises anything from EOFError to pickle errors
            message = f"{type(exc).__name__}: {exc}"
        gc.collect()  # only after a failure: a full collection costs ~100 ms on a big heap
    raise BrokenIndexError(message)


@contextlib.contextmanager
def quiet_leaks(collect: bool = True):
    """Silence and collect the files Whoosh leaves open when it fails on a damaged index.

    Whoosh does not close its file when reading fails; the ResourceWarning would surface
    later, anywhere. Collecting here, with that warning ignored, keeps logs (and tests
    run with warnings as errors) clean.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield
        finally:
            if collect:
                gc.collect()


@contextlib.contextmanager
def write_lock(root: Path, timeout: float):
    """Hold the index write lock; yield False if it stayed taken for ``timeout`` seconds.

    Polls a non-blocking ``flock`` instead of blocking, so a request waits at most
    ``timeout`` and then leaves its job queued for whoever holds the lock.
    """
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + timeout
    acquired = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                acquired = True
                # Who holds it and since when, for the health check (``lock_holder``).
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()} {time.time():.0f}\n".encode(), 0)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.02)
        yield acquired
    finally:
        if acquired:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@dataclass
class LockHolder:
    pid: int
    since: float

    @property
    def seconds(self) -> float:
        return max(0.0, time.time() - self.since)


def lock_holder(root: Path) -> LockHolder | None:
    """Return who holds the write lock now (and since when), or None if it is free.

    Probes with a shared, non-blocking ``flock`` released at once, so it never waits and
    a writer polling for the lock is held up for microseconds at most.
    """
    try:
        fd = os.open(root / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, since = 0, time.time()
            with contextlib.suppress(ValueError, OSError):
                fields = os.pread(fd, 64, 0).split()
                pid, since = int(fields[0]), float(fields[1])
            return LockHolder(pid, since)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def new_generation(root: Path):
    """Create an empty generation directory with a fresh index; return (path, index)."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = now_utc().strftime("%Y%m%dT%H%M%S%f")
    gen = root / f"gen-{stamp}-{os.getpid()}"
    gen.mkdir()
    ix = _storage(gen).create_index(build_schema())
    return gen, ix


def common_stems(gen: Path | None) -> frozenset[str]:
    """Return the common stems a generation indexes pairs of (``writer.choose_common``)."""
    if gen is None:
        return frozenset()
    try:
        return frozenset(json.loads((gen / META_FILE).read_text()).get("common", ()))
    except (OSError, ValueError):
        return frozenset()


def mark_complete(gen: Path, **info) -> None:
    """Write the generation's description; only a described generation is ever used."""
    meta = {"schema_version": SCHEMA_VERSION, "built_at": now_utc().isoformat(), **info}
    tmp = gen / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, gen / META_FILE)


def swap_in(root: Path, gen: Path) -> None:
    """Make ``gen`` the current generation atomically and prune old ones.

    The previous generation is kept one more round: a process may still be reading it.
    """
    previous = current_generation(root)
    tmp_link = root / f"{CURRENT}.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(gen.name, tmp_link)
    os.replace(tmp_link, root / CURRENT)
    keep = {gen.name, previous.name if previous else None}
    for child in root.iterdir():
        if child.name.startswith("gen-") and child.name not in keep and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
