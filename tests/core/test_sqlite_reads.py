"""On SQLite, requests that only read begin deferred and take no write lock; writes,
including those of a GET, take it first (``BEGIN IMMEDIATE``) and never fail with
"database is locked"; PostgreSQL is left as it was."""
from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from qms.db import begin_write, holds_write_lock, read_by_default
from qms.extensions import db
from qms.trail import service as trail
from qms.trail.models import AuditEntry
from tests.records.conftest import make_record, pdf_bytes, record_types  # noqa: F401 - fixtures

#: Long enough for an honest step on a busy machine, far below the 30 s busy timeout.
PROMPT = 10


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock (PostgreSQL is covered by test_postgresql_sessions_are_left_alone)")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS counter (n INTEGER)")
        conn.exec_driver_sql("DELETE FROM counter")
        conn.exec_driver_sql("INSERT INTO counter VALUES (1)")
    db.session.commit()
    return app


def _count(session_or_conn) -> int:
    return session_or_conn.execute(sa.text("SELECT count(*) FROM counter")).scalar()


def _in_thread(app, work) -> tuple[threading.Thread, list]:
    """Start ``work()`` in a thread with its own app context; return it and its outcome list."""
    outcome: list = []

    def run():
        try:
            with app.app_context():
                outcome.append(work())
        except Exception as error:  # noqa: BLE001 - asserted by the caller
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _write_one(app):
    def work():
        with db.engine.begin() as conn:  # a write: BEGIN IMMEDIATE
            conn.exec_driver_sql("INSERT INTO counter VALUES (2)")
        return "written"

    return _in_thread(app, work)


def test_readers_block_neither_each_other_nor_a_writer(sqlite_only):
    """GIVEN a reading session in the middle of its transaction
    WHEN a second reader reads and a writer commits meanwhile
    THEN both go ahead at once, and the first still reads its own snapshot."""
    app = sqlite_only
    with Session(db.engine) as first:
        read_by_default(first)
        assert _count(first) == 1
        assert not holds_write_lock(first.connection())

        def second_reader():
            with Session(db.engine) as second:
                read_by_default(second)
                return _count(second)

        thread, outcome = _in_thread(app, second_reader)
        thread.join(PROMPT)
        assert outcome == [1]
        thread, outcome = _write_one(app)
        thread.join(PROMPT)
        assert outcome == ["written"], "the writer waited for a reader"
        assert _count(first) == 1  # a real read transaction: its snapshot is kept
    with db.engine.connect() as conn:
        assert _count(conn) == 2


def test_a_reader_that_writes_after_another_commit_waits_instead_of_failing(sqlite_only):
    """GIVEN a deferred transaction that has read (an old snapshot)
    WHEN another connection commits, and then it writes without announcing it
    THEN its write takes the lock afresh and commits (no SQLITE_BUSY_SNAPSHOT)."""
    app = sqlite_only
    with Session(db.engine) as reader:
        read_by_default(reader)
        assert _count(reader) == 1
        thread, outcome = _write_one(app)
        thread.join(PROMPT)
        assert outcome == ["written"]
        reader.execute(sa.text("INSERT INTO counter VALUES (3)"))
        assert holds_write_lock(reader.connection())
        reader.commit()
    with db.engine.connect() as conn:
        assert _count(conn) == 3


def test_begin_write_takes_the_lock_and_reads_again(sqlite_only, users):
    """GIVEN a reading session that loaded a user, WHEN another connection changes it and
    the session calls begin_write, THEN it holds the lock and sees the committed value."""
    from qms.auth.models import User

    app = sqlite_only
    ident = users["staff"].id
    db.session.commit()
    with Session(db.engine) as reader:
        read_by_default(reader)
        person = reader.get(User, ident)
        old_name = person.full_name

        def rename():
            with db.engine.begin() as conn:
                conn.execute(sa.update(User).where(User.id == ident).values(full_name="Nombre nuevo"))
            return "renamed"

        thread, outcome = _in_thread(app, rename)
        thread.join(PROMPT)
        assert outcome == ["renamed"] and person.full_name == old_name
        begin_write(reader)
        assert holds_write_lock(reader.connection())
        assert person.full_name == "Nombre nuevo"


def test_the_trail_head_is_read_under_the_lock(sqlite_only, users):
    """GIVEN a reading session that has read the trail's head
    WHEN another session appends an entry, and then this one appends its own
    THEN the chain stays one line: sequences follow each other, each links the previous."""
    app = sqlite_only
    db.session.commit()
    with Session(db.engine) as reader:
        read_by_default(reader)
        reader.execute(sa.text("SELECT * FROM trail_head")).all()

        def append():
            with Session(db.engine) as writer:
                trail.record(None, "test.other", "page", "1", session=writer)
                writer.commit()
            return "appended"

        thread, outcome = _in_thread(app, append)
        thread.join(PROMPT)
        assert outcome == ["appended"]
        trail.record(None, "test.reader", "page", "2", session=reader)
        reader.commit()
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(later.prev_hash == earlier.entry_hash for earlier, later in zip(entries, entries[1:]))
    assert [e.action for e in entries[-2:]] == ["test.other", "test.reader"]


def _hold_write_lock(database_url: str) -> sqlite3.Connection:
    """Another process's writer in the middle of its transaction (it holds the write lock)."""
    holder = sqlite3.connect(make_url(database_url).database, isolation_level=None, timeout=0.1)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO counter VALUES (9)")
    return holder


def test_pages_are_served_while_a_writer_holds_the_lock(sqlite_only, client, login, database_url, make_record):
    """GIVEN a writer holding SQLite's write lock
    WHEN someone opens the register and a record's page
    THEN the pages are served at once (before, every GET waited for the lock)."""
    app = sqlite_only
    record_id = make_record(title="Informe leído mientras otro escribe").id
    login("auditor")
    db.session.commit()  # the test's own transaction may hold the lock
    app.config["TESTING_DISABLE_TICK"] = True  # the scheduled step writes: it rightly waits
    holder = _hold_write_lock(database_url)
    try:
        thread, outcome = _in_thread(app, lambda: [client.get(p).status_code
                                                   for p in ("/registros/", f"/registros/{record_id}")])
        thread.join(PROMPT)
        assert outcome == [[200, 200]], "a page waited for the write lock"
    finally:
        holder.rollback()
        holder.close()


def test_a_download_that_trails_succeeds_while_others_read(sqlite_only, client, login, make_record):
    """GIVEN another connection in the middle of a read transaction
    WHEN someone downloads a record's file (a GET that writes a trail entry)
    THEN the file is served and the download is in the trail."""
    app = sqlite_only
    record = make_record(data=pdf_bytes("descarga"))
    # Plain values: the test's objects would load through the test's own session.
    record_id, path = record.id, f"/registros/{record.id}/archivos/{record.files[0].id}"
    login("auditor")
    db.session.commit()  # the test's own transaction may hold the lock
    app.config["TESTING_DISABLE_TICK"] = True  # the scheduled step writes: it rightly waits
    with Session(db.engine) as other_reader:
        read_by_default(other_reader)
        assert _count(other_reader) == 1

        def download():
            response = client.get(path)
            return response.status_code, response.data

        thread, outcome = _in_thread(app, download)
        thread.join(PROMPT)
        assert outcome == [(200, pdf_bytes("descarga"))]
    downloads = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "record.file_downloaded", AuditEntry.object_id == str(record_id))).all()
    assert len(downloads) == 1


def test_postgresql_sessions_are_left_alone(app):
    """On PostgreSQL nothing is marked and begin_write does nothing: its behaviour is unchanged."""
    with Session(db.engine) as session:
        read_by_default(session)
        begin_write(session)
        if db.engine.dialect.name == "sqlite":
            assert session.execution_options.get("qms_sqlite_reads") is True
        else:
            assert "qms_sqlite_reads" not in session.execution_options
            assert not session.in_transaction()
