"""The manifest of a backup, and the facts it records about the database snapshot.

``manifest.json`` is written last, so a folder without it is an interrupted backup. It
lists the SHA-256 of every copied file (database, keys, checkpoints, stored files), the
row count of every table and the trail head as the database snapshot saw them, and the
application version.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from qms.extensions import db

FORMAT = "qms-backup/1"
FILE_NAME = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or a restore cannot go on; the message is for the operator (Spanish)."""


@dataclass
class Facts:
    """What one database snapshot holds: row counts, the trail head, the stored files."""

    counts: dict[str, int] = field(default_factory=dict)
    trail_head: dict | None = None
    stored: list[str] = field(default_factory=list)


def read_facts(execute) -> Facts:
    """Read the facts through ``execute(sql) -> rows`` (a DB-API or SQLAlchemy connection).

    Plain SQL, so the same code reads the live snapshot (PostgreSQL) and a SQLite copy.
    """
    facts = Facts()
    for table in sorted(db.metadata.tables):
        facts.counts[table] = int(list(execute(f'SELECT count(*) FROM "{table}"'))[0][0])
    head = list(execute("SELECT last_seq, last_hash FROM trail_head WHERE id = 1"))
    facts.trail_head = {"seq": int(head[0][0]), "hash": head[0][1]} if head else None
    facts.stored = [row[0] for row in execute("SELECT sha256 FROM stored_files ORDER BY sha256")]
    return facts


def app_version() -> str:
    try:
        return metadata.version("qms")
    except metadata.PackageNotFoundError:
        return "desconocida"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashing(source: Path, target: Path, mode: int = 0o644) -> str:
    """Copy ``source`` to ``target`` (fsynced) and return the SHA-256 of what was copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def write(folder: Path, manifest: dict) -> None:
    """Write ``manifest.json`` atomically: its presence marks a finished backup."""
    temporary = folder / f".{FILE_NAME}.tmp"
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, folder / FILE_NAME)


def read(folder: Path) -> dict:
    path = folder / FILE_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} no es un respaldo terminado: falta {FILE_NAME}") from None
    except ValueError:
        raise BackupError(f"{path} está dañado (no es JSON)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} no es un manifiesto de respaldo de QMS ({FORMAT})")
    return manifest
