"""Database helpers: a UTC datetime type, SQLite pragmas and write-lock behaviour, and
which failed writes mean "someone else got there first"."""
from __future__ import annotations

import re
import unicodedata
from datetime import timezone

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A datetime stored in UTC and always returned timezone-aware.

    SQLite keeps no zone information, so values come back naive; this type puts UTC back.
    """

    impl = sa.DateTime
    cache_ok = True

    def __init__(self, timezone: bool = True):
        super().__init__(timezone=True)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use qms.timeutil.now_utc()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def configure_sqlite(engine: Engine) -> None:
    """Set WAL, foreign keys and full sync, and take the write lock at BEGIN.

    pysqlite's own transaction handling is switched off so that every transaction
    starts with ``BEGIN IMMEDIATE``: concurrent writers then wait (busy timeout)
    instead of failing later with "database is locked" when upgrading a read lock.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # For search's database fallback (``qms.search.folded_sql``).
        dbapi_connection.create_function("qms_fold", 1, fold_text, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def refresh_statistics(engine: Engine) -> None:
    """Let the query planner know the tables as they are now (after migrations, daily).

    SQLite has no statistics until ``ANALYZE`` runs, and without them it may pick the
    wrong index (the per-object trail scanned every version's entries); with
    ``analysis_limit`` it samples each index, so the cost stays small at any size.
    PostgreSQL's autovacuum analyses on its own; doing it after a migration saves the wait.
    """
    with engine.connect() as connection:
        if is_sqlite(engine):
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def fold_text(value) -> str | None:
    """``value`` lower-cased, accents removed, JSON's ``\\u00ed`` escapes read first
    (what SQLite's ``qms_fold`` returns; the analyzer folds the same way)."""
    if value is None:
        return None
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value))
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


#: The message when a row changed under an update (``version_id_col`` found another counter).
STALE_MESSAGE = ("Otra persona modificó esto mismo mientras usted trabajaba; no se guardó nada. "
                 "Revise el estado actual y vuelva a intentarlo.")
#: The message when PostgreSQL gave up one of two transactions that waited on each other.
RETRY_MESSAGE = ("Otra operación sobre lo mismo se hacía al mismo tiempo; no se guardó nada. "
                 "Revise el estado actual y vuelva a intentarlo.")
#: SQLSTATEs of a transaction PostgreSQL aborted because of a concurrent one:
#: serialization_failure, deadlock_detected, lock_not_available.
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
#: Key of a constraint's or index's ``info`` holding the message its violation means.
CONFLICT_INFO = "conflict"

_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '([^']+)'")
_SQLITE_COLUMNS = re.compile(r"(?:UNIQUE|PRIMARY KEY) constraint failed: (.+)$")


def conflict_message(error: Exception, metadata: sa.MetaData) -> str | None:
    """Return the Spanish message when ``error`` means a concurrent change won, else None.

    A lost race is: an update that found the row changed (``StaleDataError``); a
    transaction PostgreSQL aborted for a concurrent one; the violation of a unique
    constraint or index that declares ``info={"conflict": message}`` next to its
    definition in the model. Any other error is a bug and must surface (None).
    """
    if isinstance(error, StaleDataError):
        return STALE_MESSAGE
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in RETRY_SQLSTATES:
        return RETRY_MESSAGE
    if not isinstance(error, sa.exc.IntegrityError):
        return None
    messages = _conflict_messages(metadata)
    return messages.get(_violated_name(original))


def _conflict_messages(metadata: sa.MetaData) -> dict:
    """Map each declared constraint (by name and by ``(table, columns)``) to its message."""
    messages: dict = {}
    for table in metadata.tables.values():
        for item in list(table.constraints) + [i for i in table.indexes if i.unique]:
            message = item.info.get(CONFLICT_INFO)
            if message:
                messages[str(item.name)] = message
                messages[(table.name, frozenset(c.name for c in item.columns))] = message
    return messages


def _violated_name(original):
    """Return the name (PostgreSQL, SQLite index) or ``(table, columns)`` (SQLite) violated."""
    diagnostics = getattr(original, "diag", None)
    if diagnostics is not None:
        return diagnostics.constraint_name
    text = str(original)
    if match := _SQLITE_INDEX.search(text):
        return match.group(1)
    if match := _SQLITE_COLUMNS.search(text):
        columns = [part.strip().split(".", 1) for part in match.group(1).split(",")]
        return (columns[0][0], frozenset(column for _table, column in columns))
    return None
