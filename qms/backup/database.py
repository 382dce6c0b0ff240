"""Copy the database consistently while the application serves, and put it back.

* SQLite: the online backup API (``sqlite3.Connection.backup``) in one step, which reads
  one consistent snapshot while writers go on (WAL); never a file copy, which could
  catch a page half-written or miss the WAL.
* PostgreSQL: ``pg_dump -Fc`` on a snapshot exported by a REPEATABLE READ transaction,
  in which the manifest's counts, trail head and file list are read too: the dump and
  the manifest describe the very same instant.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from qms.backup.manifest import BackupError, Facts, read_facts
from qms.extensions import db

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"


def engine_name() -> str:
    return db.engine.dialect.name


def file_name() -> str:
    return SQLITE_FILE if engine_name() == "sqlite" else POSTGRES_FILE


def dump(target: Path) -> Facts:
    """Write the database into ``target`` (a file) and return the facts of that snapshot."""
    return _sqlite_backup(target) if engine_name() == "sqlite" else _pg_dump(target)


def load(source: Path) -> None:
    """Restore the database from ``source`` into the configured (empty) database."""
    if engine_name() == "sqlite":
        _sqlite_restore(source)
    else:
        _pg_restore(source)


def is_empty() -> bool:
    """Whether the configured database has no tables at all (a fresh one)."""
    with db.engine.connect() as conn:
        if engine_name() == "sqlite":
            sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        count = conn.exec_driver_sql(sql).scalar()
        conn.rollback()
    return count == 0


# --- SQLite ---------------------------------------------------------------------------

def _sqlite_path() -> str:
    return db.engine.url.database


def _sqlite_backup(target: Path) -> Facts:
    source = sqlite3.connect(_sqlite_path(), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # pages=-1: the whole database in one step, from one snapshot
        # The copy stands alone: no WAL beside it (the application turns WAL on again).
        copy.execute("PRAGMA journal_mode=DELETE")
        return read_facts(copy.execute)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(source: Path) -> None:
    db.engine.dispose()  # no pooled connection keeps the old (empty) file open
    backup = sqlite3.connect(source)
    target = sqlite3.connect(_sqlite_path(), timeout=30)
    try:
        backup.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        backup.close()


# --- PostgreSQL -----------------------------------------------------------------------

def _libpq() -> tuple[str, dict]:
    """Return the libpq URL of the database and an environment carrying its password."""
    url = make_url(db.engine.url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _server_major(conn) -> int:
    return int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000


def find_tool(name: str, server_major: int) -> str:
    """Return a ``pg_dump``/``pg_restore`` not older than the server; raise a clear error otherwise.

    Looks on PATH, then in Debian's ``/usr/lib/postgresql/<version>/bin``.
    """
    candidates = [shutil.which(name)] + sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True,
                                               key=_version_in_path)
    found = []
    for candidate in dict.fromkeys(c for c in candidates if c):
        major = _tool_major(candidate)
        if major is not None and major >= server_major:
            return candidate
        found.append(f"{candidate} ({major})")
    if not found:
        raise BackupError(f"No se encontró {name}. Instale el cliente de PostgreSQL "
                          f"(en Debian: apt install postgresql-client-{server_major}) y reintente.")
    raise BackupError(f"{name} es más antiguo que el servidor PostgreSQL {server_major}: "
                      f"{', '.join(found)}. Instale postgresql-client-{server_major}.")


def _version_in_path(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)/", path)
    return int(match.group(1)) if match else 0


def _tool_major(path: str) -> int | None:
    try:
        output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else None


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} falló (código {result.returncode}): {result.stderr.strip()}")


def _pg_dump(target: Path) -> Facts:
    url, env = _libpq()
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            # The first statement fixes the transaction's snapshot; pg_dump imports it.
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            facts = read_facts(conn.exec_driver_sql)
            tool = find_tool("pg_dump", _server_major(conn))
            _run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={url}"],
                 env, "pg_dump")
    return facts


def _pg_restore(source: Path) -> None:
    url, env = _libpq()
    with db.engine.connect() as conn:
        tool = find_tool("pg_restore", _server_major(conn))
        conn.rollback()
    _run([tool, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
          f"--dbname={url}", str(source)], env, "pg_restore")
