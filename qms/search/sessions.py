"""The caller's database session, set aside before the index works through its own.

Applying jobs, rebuilding and checking read the database through fresh ``Session``
objects (their own connections), so the caller's transaction must be over first.
Both the queue and maintenance need this, so it sits below them.
"""
from __future__ import annotations

from qms.extensions import db


def release_caller_session() -> None:
    """End the caller's read-only transaction before working through other connections.

    On SQLite a transaction that may write holds the database write lock (``BEGIN
    IMMEDIATE``; a GET's read transaction takes it before it writes, ``qms.db``), so a
    second connection in the same thread would wait for ourselves. Pending changes are
    never committed on the caller's behalf.
    """
    session = db.session()
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("commit or roll back the current changes before syncing the index")
        session.commit()
