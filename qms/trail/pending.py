"""Entries wait on the session and join the chain as the last statements before commit.

Every append locks the single ``trail_head`` row, so on PostgreSQL all writers queue on
it. Taking that lock when a service calls ``record`` would hold it for the rest of the
transaction (more queries, files, Word rendering); taking it in ``before_commit`` holds
it only for the INSERTs of the entries and the COMMIT itself. The chain stays strictly
ordered: sequence numbers, timestamps and links are assigned under the lock.

Reading the trail inside a transaction that has pending entries (a test, or a page that
records a download and then lists the trail) first appends them, the way autoflush
writes pending objects before a query, so the reader sees its own entries.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from qms.timeutil import system_now
from qms.trail import chain
from qms.trail.models import GENESIS_HASH, AuditEntry, TrailHead, chain_fields

#: Key in ``Session.info``: the entries of the current transaction not yet in the chain.
PENDING = "qms_trail_pending"
_TRAIL_TABLES = {AuditEntry.__table__.name, TrailHead.__table__.name}


def add(session: Session, entry: AuditEntry, key: bytes) -> None:
    """Queue ``entry`` (without its place in the chain) until the transaction commits."""
    if not session.in_transaction():
        # Tie the queue to a transaction, so that a rollback is sure to discard it.
        session.begin()
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING, []).append((entry, key, owner))


def has_pending(session: Session) -> bool:
    return bool(session.info.get(PENDING))


def append_pending(session: Session) -> int:
    """Lock the head and chain the queued entries into the current transaction; return how many."""
    queued = session.info.pop(PENDING, None)
    if not queued:
        return 0
    head = _lock_head(session)
    for entry, key, _owner in queued:
        entry.seq = head.last_seq + 1
        # Stamped under the lock, so time order and chain order are the same; microseconds
        # are kept so that the stored value hashes the same after a round trip.
        entry.at = system_now()
        entry.prev_hash = head.last_hash
        entry.chain_version = chain.CURRENT_VERSION
        entry.entry_hash = chain.entry_hash(chain_fields(entry), entry.chain_version, key)
        session.add(entry)
        head.last_seq, head.last_hash = entry.seq, entry.entry_hash
    session.flush()
    return len(queued)


def _lock_head(session: Session) -> TrailHead:
    """Return the head row locked for update, creating it once (safe against a concurrent creator)."""
    select = (sa.select(TrailHead).where(TrailHead.id == 1).with_for_update()
              .execution_options(populate_existing=True))
    head = session.scalar(select)
    if head is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(insert(TrailHead).values(id=1, last_seq=0, last_hash=GENESIS_HASH)
                        .on_conflict_do_nothing(index_elements=["id"]))
        head = session.scalar(select)
    return head


@event.listens_for(Session, "before_commit")
def _append_before_commit(session: Session) -> None:
    # A savepoint's commit is not the end: the entries wait for the real COMMIT.
    if has_pending(session) and not session.in_nested_transaction():
        append_pending(session)


@event.listens_for(Session, "do_orm_execute")
def _append_before_reading_the_trail(state) -> None:
    if state.is_select and has_pending(state.session) and _reads_trail(state.statement):
        append_pending(state.session)


def _reads_trail(statement) -> bool:
    return any(getattr(table, "name", None) in _TRAIL_TABLES for table in find_tables(statement, include_joins=True))


@event.listens_for(Session, "after_transaction_end")
def _forget_on_rollback(session: Session, transaction) -> None:
    # Reached with entries still queued only when the transaction rolled back.
    if transaction.parent is None:
        session.info.pop(PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_savepoint(session: Session, previous_transaction) -> None:
    """A savepoint rolled back takes the entries recorded inside it along."""
    queued = session.info.get(PENDING)
    if queued:
        session.info[PENDING] = [item for item in queued if not _inside(item[2], previous_transaction)]


def _inside(owner, transaction) -> bool:
    while owner is not None:
        if owner is transaction:
            return True
        owner = owner.parent
    return False
