"""Database helpers: a UTC datetime type, SQLite pragmas and when a transaction takes the
write lock (reads deferred, writes ``BEGIN IMMEDIATE``), and
which failed writes mean "someone else got there first"."""
from __future__ import annotations

import re
import unicodedata
from datetime import timezone

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import immutabledict


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


#: Execution option of a session's connections: its transactions begin deferred (reads).
READS_OPTION = "qms_sqlite_reads"
#: Key in a connection's ``info``: the open transaction began deferred and has not written.
_DEFERRED = "qms_sqlite_deferred"
#: Statements that never write; anything else (INSERT, UPDATE, SAVEPOINT...) needs the lock.
_READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN)\b", re.IGNORECASE)
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def configure_sqlite(engine: Engine) -> None:
    """Set WAL, foreign keys and full sync, and choose how each transaction begins.

    pysqlite's own transaction handling is switched off so that the app says how each
    transaction begins. A transaction that may write begins with ``BEGIN IMMEDIATE``: it
    takes the write lock up front, so concurrent writers wait (busy timeout) instead of
    failing with "database is locked", which is what a deferred transaction gets when it
    upgrades its read snapshot after another writer committed (WAL's ``SQLITE_BUSY_SNAPSHOT``
    ignores the busy timeout). That is the default for every connection.

    A session marked by ``read_by_default`` (the request's session of a GET) begins with a
    plain ``BEGIN`` instead: readers then run side by side and beside a writer. Should such
    a transaction come to write after all (a download leaves a trail entry), it is upgraded
    before its first write intent (``begin_write``): the read transaction, which has
    written nothing, ends, and ``BEGIN IMMEDIATE`` waits for the lock like any writer.
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
        deferred = bool(connection.get_execution_options().get(READS_OPTION))
        connection.info.pop(_DEFERRED, None)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")
        connection.info[_DEFERRED] = deferred

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection):
        connection.info.pop(_DEFERRED, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection, _cursor, statement, _parameters, _context, _executemany):
        # The last safety net: a write that no ``begin_write`` announced still waits for
        # the lock instead of failing. ``begin_write`` before the reads a write decides
        # on is what keeps those reads current.
        if connection.info.get(_DEFERRED) and _may_write(statement):
            _upgrade(connection)


def _may_write(statement: str) -> bool:
    if not _READ_ONLY.match(statement):
        return True
    # A SELECT cannot write; WITH ... INSERT can.
    return statement.lstrip()[:4].upper() == "WITH" and bool(_WRITES.search(statement))


def _upgrade(connection: sa.Connection) -> None:
    """End a deferred transaction that has read only, and begin it again with the write lock."""
    connection.info[_DEFERRED] = False
    raw = connection.connection.dbapi_connection
    raw.execute("COMMIT")
    raw.execute("BEGIN IMMEDIATE")


def read_by_default(session: Session) -> None:
    """Let ``session``'s transactions begin deferred on SQLite (a request that only reads).

    Its writes still take the write lock first (``begin_write``); other sessions, such
    as the one of ``qms.core.durable`` or the tick, keep ``BEGIN IMMEDIATE``.
    Nothing changes on PostgreSQL.
    """
    if is_sqlite(session.get_bind()):
        session.execution_options = immutabledict({**session.execution_options, READS_OPTION: True})


def write_by_default(session: Session) -> None:
    """Undo ``read_by_default``: the session's next transactions begin ``IMMEDIATE`` again."""
    if READS_OPTION in session.execution_options:
        session.execution_options = immutabledict(
            {key: value for key, value in session.execution_options.items() if key != READS_OPTION})


def begin_write(session: Session) -> None:
    """Make sure ``session``'s transaction holds SQLite's write lock before it decides on a write.

    Called before reading what a write will depend on: every ``SELECT ... FOR UPDATE``
    (``qms.core.locking``, the trail's head) calls it, and so may a service. In a deferred
    transaction that has not written yet, the read transaction ends and ``BEGIN
    IMMEDIATE`` starts (waiting for other writers); objects already loaded are expired so
    that they are read again under the lock, unless the session holds unflushed changes.
    A transaction that already holds the lock, and PostgreSQL, are left as they are.
    """
    if not is_sqlite(session.get_bind()):
        return
    if not session.in_transaction():
        # The next transaction begins IMMEDIATE unless the session reads by default: then
        # begin it now and upgrade it below.
        if READS_OPTION not in session.execution_options:
            return
    connection = session.connection()
    if connection.info.get(_DEFERRED):
        _upgrade(connection)
        if not (session.new or session.dirty or session.deleted):
            session.expire_all()


@event.listens_for(Session, "do_orm_execute")
def _lock_before_deciding(state) -> None:
    """``SELECT ... FOR UPDATE`` reads what a write decides on: take the write lock first.

    SQLite renders no ``FOR UPDATE``; without this, a deferred transaction would read
    the row from its old snapshot and decide on it.
    """
    if state.is_select and getattr(state.statement, "_for_update_arg", None) is not None:
        begin_write(state.session)


def holds_write_lock(connection: sa.Connection) -> bool:
    """True when ``connection``'s SQLite transaction began or became IMMEDIATE (for tests)."""
    return connection.in_transaction() and not connection.info.get(_DEFERRED, False)


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
