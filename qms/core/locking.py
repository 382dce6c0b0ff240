"""Row locks for the services' "read the state, check it, write" steps.

A service decides on what it reads (a version is still a draft, the counter the form
was based on is current, no version is in preparation) and then writes. Two requests
doing that at once on PostgreSQL would both pass the check on what they read and both
write: the loser then fails at the flush (``StaleDataError``, a unique violation) or,
worse, succeeds twice. So the row the decision is made on is locked first and read
again, and the check runs on what the lock returned:

* ``lock(obj)`` / ``lock(Model, id)`` take ``SELECT … FOR NO KEY UPDATE`` on the row for
  the rest of the transaction and overwrite the object with the committed values
  (its collections are reloaded on next use). A second request waits for the first to
  commit, then sees its result and refuses cleanly.
* ``for_update(statement, skip_locked=True)`` does the same for the rows a query
  selects, skipping rows another transaction holds (background jobs such as the tick).

``NO KEY UPDATE`` rather than ``UPDATE``: it blocks other writers of the row but not
inserts elsewhere that merely reference it by foreign key (a record citing a document),
which take ``KEY SHARE``.

SQLite renders no ``FOR UPDATE``: a transaction that may write begins with ``BEGIN
IMMEDIATE``, and a GET's deferred read transaction is upgraded to it by every ``FOR
UPDATE`` query (``qms.db.begin_write``), so the lock is held before the row is read
again and the re-read alone is enough.

Order: a service locks the object its module treats as the whole (a document before its
versions) before anything else, and before its first trail entry (the trail's head row
is locked by every write), so two transactions never wait on each other in a circle.
"""
from __future__ import annotations

from sqlalchemy import inspect

from qms.extensions import db


def _flags(entity, skip_locked: bool = False) -> dict:
    # ``of`` names only the entity's own table, so eagerly joined rows are not locked
    # (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
    return {"key_share": True, "of": entity, "skip_locked": skip_locked}


def lock(target, ident=None):
    """Lock a row and return its object read afresh.

    ``lock(obj)`` locks ``obj``'s row; ``lock(Model, ident)`` loads and locks the row with
    that primary key (None when there is none). ``None`` and objects not yet in the
    database pass through unchanged: nobody else can see them.
    """
    if target is None:
        return None
    if ident is not None:
        return db.session.get(target, ident, with_for_update=_flags(target), populate_existing=True)
    state = inspect(target)
    if state.key is None:
        return target
    # Flush first: refreshing discards the object's unflushed changes.
    db.session.flush()
    db.session.refresh(target, with_for_update=_flags(type(target)))
    return target


def for_update(statement, entity, *, skip_locked: bool = False):
    """Return ``statement`` locking the rows of ``entity`` it selects and reading them afresh."""
    return statement.with_for_update(**_flags(entity, skip_locked)).execution_options(populate_existing=True)
