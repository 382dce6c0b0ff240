"""The content-addressed file store under ``STORAGE_PATH``.

A file lives at ``<root>/ab/cd/<sha256>``. It is written to a temporary file, fsynced
and renamed into place atomically; an existing file is never overwritten. Reads are
verified against the checksum.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import current_app

from qms.extensions import db
from qms.storage.models import StoredFile

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class StorageError(RuntimeError):
    """A stored file is missing or does not match its checksum."""


def root() -> Path:
    path = Path(current_app.config["STORAGE_PATH"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(sha256: str) -> Path:
    """Return the file's path, refusing anything that is not a SHA-256 (no traversal)."""
    if not _SHA256.match(sha256 or ""):
        raise StorageError("identificador de archivo inválido")
    return root() / sha256[:2] / sha256[2:4] / sha256


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails if the target exists: a stored file is never overwritten.
        try:
            os.link(tmp_name, target)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp_name)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _mark_in_use(target: Path) -> bool:
    """Refresh an existing file's modification time; return False if there is none.

    The file may be an orphan left by a crash, about to be registered again:
    ``qms storage gc`` leaves recently modified files alone.
    """
    try:
        os.utime(target)
    except FileNotFoundError:
        return False
    except PermissionError:
        return target.exists()
    return True


def put(data: bytes, content_type: str = "application/octet-stream") -> StoredFile:
    """Store ``data`` (once) and return its row; the caller's transaction commits it."""
    digest = sha256_of(data)
    target = path_for(digest)
    if _mark_in_use(target):
        if sha256_of(target.read_bytes()) != digest:
            raise StorageError(f"el archivo almacenado {digest[:12]} está alterado")
    else:
        _write_atomically(target, data)
    row = db.session.get(StoredFile, digest)
    if row is None:
        row = StoredFile(sha256=digest, size=len(data), content_type=content_type)
        db.session.add(row)
        db.session.flush()
    return row


def read(sha256: str) -> bytes:
    """Return the stored bytes, verified; raise StorageError if missing or altered."""
    target = path_for(sha256)
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise StorageError(f"falta el archivo almacenado {sha256[:12]}") from None
    if sha256_of(data) != sha256:
        raise StorageError(f"el archivo almacenado {sha256[:12]} no coincide con su suma de verificación")
    return data
