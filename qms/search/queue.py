"""The durable queue of index jobs and the after-commit hook that applies it.

``enqueue`` adds an ``IndexJob`` to the caller's session, so the job commits or rolls
back with the change. After a commit that carried jobs, ``sync`` runs in the same
process: it takes the index write lock (waiting at most ``SEARCH_LOCK_WAIT`` seconds),
reads the queued jobs, writes the index, commits it, and only then deletes exactly the
jobs it applied. A crash at any point leaves the jobs in the table; the next commit, a
later search in any process, or ``qms search sync`` applies them. Applying is idempotent
(each job re-reads the object's current state), so running a job twice is harmless.

A process that cannot get the lock leaves its jobs queued: the holder drains the queue
until it is empty before releasing it, and searches drain stragglers (``drain_if_stale``).
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta, timezone

import sqlalchemy as sa
from flask import after_this_request, current_app, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from qms.extensions import db
from qms.search import store, writer
from qms.search.build import corpus_size, rebuild_locked
from qms.search.kinds import all_kinds, make_uid
from qms.search.models import ACTION_REMOVE, IndexJob
from qms.search.sessions import release_caller_session
from qms.timeutil import now_utc

log = logging.getLogger(__name__)

#: Key in ``Session.info`` telling the after-commit hook that jobs were queued.
PENDING = "qms_search_pending"
#: Jobs read and applied per index commit.
BATCH = 500
#: A failed job is tried again after this many seconds, doubled at each failure up to
#: ``MAX_BACKOFF``: it is never dropped (a damaged index or a full disk fails every job
#: until an operator acts; they must all reach the index afterwards).
BACKOFF = 15
MAX_BACKOFF = 3600
#: Default seconds a request waits for the write lock before leaving its jobs queued.
LOCK_WAIT = 0.5


@dataclass
class SyncReport:
    applied: int = 0
    failed: int = 0
    skipped: str = ""
    errors: list[str] = field(default_factory=list)


def enqueue(kind: str, object_id: int, action: str) -> None:
    """Add a job to the current transaction; it is applied after the commit."""
    session = db.session()
    session.add(IndexJob(kind=kind, object_id=object_id, action=action))
    session.info[PENDING] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Apply the queue once the change that carried jobs is committed.

    Never raises: the user's change is committed whatever happens to the index.
    """
    if session.get_nested_transaction() is not None:
        # A savepoint was released (SQLAlchemy fires after_commit for it too): the outer
        # transaction, still open, holds the change and, on SQLite, the write lock that a
        # sync would wait on. The jobs wait for the real commit.
        return
    if not session.info.pop(PENDING, False) or not has_app_context():
        return
    if not current_app.config.get("SEARCH_ENABLED", True):
        return
    try:
        _sync(wait=current_app.config.get("SEARCH_LOCK_WAIT", LOCK_WAIT), auto_rebuild=True)
    except Exception:  # noqa: BLE001 - the index is derived data; log and keep serving
        log.exception("search: applying index jobs failed; they stay queued")


def sync(wait: float = 10.0, auto_rebuild: bool = True) -> SyncReport:
    """Apply every queued job; return what happened (for the CLI and tests).

    If the index is missing or outdated and the database is small, it is rebuilt on the
    spot (a fresh install gets its index on the first change); otherwise jobs wait for
    ``qms search rebuild``.
    """
    release_caller_session()
    return _sync(wait, auto_rebuild, retry_now=True)


def _sync(wait: float, auto_rebuild: bool, retry_now: bool = False) -> SyncReport:
    root = store.root_path()
    with store.write_lock(root, timeout=wait) as locked:
        if not locked:
            return SyncReport(skipped="locked")
        return sync_locked(root, auto_rebuild, retry_now)


def sync_locked(root, auto_rebuild: bool, retry_now: bool = True) -> SyncReport:
    """Apply every queued job (the write lock is held by the caller).

    ``retry_now``: jobs backing off after a failure are tried too (an operator's
    ``qms search sync`` or rebuild); the automatic syncs leave them to their time.
    """
    health = store.health(root)
    if not health.is_ok:
        limit = current_app.config.get("SEARCH_AUTO_REBUILD_LIMIT", 500)
        if not (auto_rebuild and corpus_size(limit + 1) <= limit):
            return SyncReport(skipped=health.state)
        rebuild_locked(root)
        health = store.health(root)
    try:
        ix = store.open_index(health.path)
    except store.BrokenIndexError:
        return SyncReport(skipped=store.BROKEN)  # the jobs wait, untouched, for a rebuild
    common = store.common_stems(health.path)
    report = SyncReport()
    try:
        skip: set[int] = set()
        while True:
            jobs = _next_jobs(skip, retry_now)
            if not jobs:
                break
            done, failed = _apply(ix, jobs, common)
            report.applied += len(done)
            report.failed += len(failed)
            report.errors.extend(failed.values())
            skip.update(failed)
            _finish(done, failed)
    finally:
        ix.close()
    # No ``searcher.invalidate``: the next search refreshes this process's searcher
    # (``searcher.holder`` checks ``up_to_date()``), keeping the posting bitsets cached for
    # every segment the write did not change; reopening would throw them away.
    return report


def _due():
    """Jobs that may be tried now: never failed, or whose back-off has passed."""
    return sa.or_(IndexJob.retry_after.is_(None), IndexJob.retry_after <= now_utc())


def _next_jobs(skip: set[int], retry_now: bool = False) -> list[tuple[int, str, int, str]]:
    """Return the next batch of jobs as plain tuples (id, kind, object_id, action)."""
    with Session(db.engine) as session:
        query = (
            sa.select(IndexJob.id, IndexJob.kind, IndexJob.object_id, IndexJob.action)
            .order_by(IndexJob.id)
            .limit(BATCH)
        )
        if not retry_now:
            query = query.where(_due())
        if skip:
            query = query.where(IndexJob.id.not_in(skip))
        return [tuple(row) for row in session.execute(query)]


def load_entries(session: Session, jobs) -> "OrderedDict[str, object]":
    """Return uid -> Entry (or None to remove) for jobs; the latest job of an object wins."""
    kinds = all_kinds()
    wanted: OrderedDict[str, tuple[str, int, str]] = OrderedDict()
    for _id, kind, object_id, action in jobs:
        wanted[make_uid(kind, object_id)] = (kind, object_id, action)
    by_kind: dict[str, list[int]] = {}
    for kind, object_id, action in wanted.values():
        if action != ACTION_REMOVE and kind in kinds:
            by_kind.setdefault(kind, []).append(object_id)
    loaded = {}
    for kind, ids in by_kind.items():
        for object_id, entry in kinds[kind].load(session, ids).items():
            loaded[make_uid(kind, object_id)] = entry
    return OrderedDict((uid, loaded.get(uid)) for uid in wanted)


def _apply(ix, jobs, common=frozenset()) -> tuple[list[int], dict[int, str]]:
    """Write one batch; return (applied job ids, failed job id -> error).

    A batch that fails is retried job by job, so one bad object cannot hold up the rest.
    """
    try:
        _write(ix, jobs, common)
        return [j[0] for j in jobs], {}
    except Exception as exc:  # noqa: BLE001
        if len(jobs) == 1:
            log.exception("search: job %s failed", jobs[0])
            return [], {jobs[0][0]: f"{type(exc).__name__}: {exc}"}
    done, failed = [], {}
    for job in jobs:
        ok, bad = _apply(ix, [job], common)
        done.extend(ok)
        failed.update(bad)
    return done, failed


def _write(ix, jobs, common=frozenset()) -> None:
    # Read first and close the database transaction before touching the index: on SQLite
    # every transaction holds the write lock, and index writing should not extend it.
    with Session(db.engine) as session:
        entries = load_entries(session, jobs)
    with writer.open_writer(ix) as w:
        writer.write(w, entries, common)


def _finish(done: list[int], failed: dict[int, str]) -> None:
    """Delete the applied jobs (their index write is committed) and note failures."""
    with Session(db.engine) as session, session.begin():
        if done:
            session.execute(sa.delete(IndexJob).where(IndexJob.id.in_(done)))
        attempts = {job_id: tried for job_id, tried in session.execute(
            sa.select(IndexJob.id, IndexJob.attempts).where(IndexJob.id.in_(list(failed))))} if failed else {}
        for job_id, error in failed.items():
            tried = attempts.get(job_id, 0) + 1
            wait = min(MAX_BACKOFF, BACKOFF * 2 ** min(tried - 1, 20))
            session.execute(
                sa.update(IndexJob)
                .where(IndexJob.id == job_id)
                .values(attempts=tried, last_error=error[:2000], retry_after=now_utc() + timedelta(seconds=wait))
            )


_last_drain_check = 0.0


def drain_if_stale(min_interval: float = 5.0) -> None:
    """Apply jobs another process left queued, after this response is sent (throttled).

    The check reads through the request's own session; the sync itself waits until the
    response is closed, because on SQLite the request's transaction holds the database
    write lock and a second connection would wait for it.
    """
    global _last_drain_check
    if not has_request_context():
        return
    now = time.monotonic()
    if now - _last_drain_check < min_interval:
        return
    _last_drain_check = now
    pending = db.session.scalar(sa.select(IndexJob.id).where(_due()).limit(1))
    if pending is None:
        return
    app = current_app._get_current_object()

    @after_this_request
    def _schedule(response):
        response.call_on_close(lambda: _sync_in(app))
        return response


def _sync_in(app) -> None:
    try:
        with app.app_context():
            _sync(wait=0.0, auto_rebuild=False)
    except Exception:  # noqa: BLE001
        log.exception("search: draining the queue failed")


def oldest_pending_seconds() -> float | None:
    """Return how long the oldest queued job has waited, or None if the queue is empty."""
    oldest = db.session.scalar(sa.select(sa.func.min(IndexJob.queued_at)))
    if oldest is None:
        return None
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return (now_utc() - oldest).total_seconds()


def pending_count() -> int:
    with Session(db.engine) as session:
        return session.scalar(sa.select(sa.func.count(IndexJob.id))) or 0
