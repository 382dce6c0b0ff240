"""Writes that must outlive the caller's transaction: the facts about a refusal.

A refused operation is rolled back by its view (``ServiceError`` → rollback), yet some
facts about the refusal must stay: a wrong signature password counts towards the
account's throttle and leaves a trail entry; a forbidden request or a rejected form is
a security event. Such a write cannot go to a second transaction opened at the moment
of the refusal: on SQLite the caller's transaction may already hold the write lock
(``BEGIN IMMEDIATE``, see ``qms.db``), on PostgreSQL it may hold the trail's head row,
and the second connection would wait for the first, which waits for the request.

So the work is queued on the session and run as soon as the caller's transaction has
ended, committed or rolled back, and its connection has gone back to the pool: in a
short transaction of its own. When no transaction is open, it runs at once.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from qms.extensions import db

log = logging.getLogger(__name__)

#: Key in ``Session.info``: the work waiting for the current transaction to end.
PENDING = "qms_durable_work"

Work = Callable[[Session], None]


def after_transaction(work: Work) -> None:
    """Run ``work(session)`` in its own transaction once the current one has ended.

    ``work`` must not touch objects of the caller's session (they may be expired by
    then): capture plain values when queueing.
    """
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(PENDING, []).append((db.engine, work))
    else:
        _run(db.engine, [work])


def _run(engine, works: list[Work]) -> None:
    try:
        with Session(engine) as session, session.begin():
            for work in works:
                work(session)
    except Exception:
        # Losing a throttle count or a security event must not pass silently.
        log.exception("durable: could not write %d pending item(s)", len(works))
        raise


@event.listens_for(Session, "after_transaction_end")
def _run_pending(session: Session, transaction: SessionTransaction) -> None:
    """Run the queued work once the outermost transaction is over (commit, rollback or close)."""
    if transaction.parent is not None:
        return
    pending = session.info.pop(PENDING, None)
    if pending:
        _run(pending[0][0], [work for _engine, work in pending])
