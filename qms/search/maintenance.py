"""Whole-index operations for the CLI: rebuild under the lock, merge, check for drift, fix.

Building a generation is ``qms.search.build``; applying queued jobs is
``qms.search.queue``. This module composes them, so it sits above both.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from qms.extensions import db
from qms.search import backends, pg_backend, pg_maintenance, pg_writer, store
from qms.search.build import rebuild_locked
from qms.search.kinds import all_kinds, make_uid, split_uid
from qms.search.models import ACTION_INDEX, ACTION_REMOVE, IndexJob
from qms.search.queue import SyncReport, sync, sync_locked
from qms.search.sessions import release_caller_session


class RebuildError(RuntimeError):
    """The index cannot be rebuilt; the message says why and what to do, in Spanish."""


def rebuild(wait: float = 60.0, progress=None) -> dict:
    """Rebuild under the write lock; raise RebuildError (TimeoutError: lock taken) if it cannot."""
    release_caller_session()
    if backends.is_postgres():
        return pg_writer.rebuild(progress=progress)  # row by row in place: no lock, no directory
    root = store.root_path()
    try:
        with store.write_lock(root, timeout=wait) as locked:
            if not locked:
                holder = store.lock_holder(root)
                who = f" (proceso {holder.pid}, desde hace {holder.seconds:.0f} s)" if holder and holder.pid else ""
                raise TimeoutError(f"otro proceso{who} está escribiendo el índice; espere a que termine "
                                   "o detenga ese proceso e intente otra vez")
            stats = rebuild_locked(root, progress=progress)
            sync_locked(root, auto_rebuild=False)  # changes committed during the rebuild
    except OSError as exc:
        if isinstance(exc, TimeoutError):
            raise
        where = exc.filename or root
        raise RebuildError(
            f"no se puede leer o escribir «{where}» ({exc.strerror or exc}). Revise que la carpeta del índice "
            f"({root}, QMS_INDEX_PATH) exista y que el usuario del servicio pueda leerla y escribirla; "
            "la búsqueda sigue funcionando en modo simple mientras tanto") from exc
    return stats


def sync_jobs(wait: float = 30.0) -> SyncReport:
    """Apply the queued jobs: to the Whoosh index, or to the PostgreSQL table (failed writes only)."""
    if not backends.is_postgres():
        return sync(wait=wait)
    release_caller_session()
    applied, errors = pg_writer.apply_jobs()
    return SyncReport(applied=applied, failed=len(errors), errors=errors)


def merge_segments(wait: float = 30.0) -> int | None:
    """Merge the small segments left by request commits; return the segment count after.

    Requests commit without merging (a merge of large segments can take seconds), so
    ``qms search sync`` calls this to keep the segment count low. Only small segments are
    merged (Whoosh's ``MERGE_SMALL``), never a full optimize. None: index unusable or busy.
    """
    from whoosh.writing import MERGE_SMALL

    if backends.is_postgres():
        return None  # a table has no segments
    root = store.root_path()
    with store.write_lock(root, timeout=wait) as locked:
        if not locked:
            return None
        health = store.health(root)
        if not health.is_ok:
            return None
        ix = store.open_index(health.path)
        try:
            if len(ix._segments()) > 1:  # noqa: SLF001 (no public accessor)
                ix.writer(timeout=5.0).commit(mergetype=MERGE_SMALL)
            return len(ix._segments())  # noqa: SLF001
        finally:
            ix.close()


@dataclass
class CheckReport:
    health: str = store.OK
    detail: str = ""
    pending: int = 0
    failed: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return (
            self.health == store.OK
            and not (self.pending or self.failed or self.missing or self.extra or self.stale)
        )


def check() -> CheckReport:
    """Compare the index with the database; nothing is changed."""
    release_caller_session()
    if backends.is_postgres():
        state, detail, _rows = pg_backend.health(deep=True)
        db.session.commit()  # ends the read the health check began
        report = CheckReport(health=state, detail=detail)
    else:
        health = store.health(store.root_path())
        report = CheckReport(health=health.state, detail=health.detail)
    with Session(db.engine) as session:
        report.pending = session.scalar(sa.select(sa.func.count(IndexJob.id))) or 0
        report.failed = session.scalar(
            sa.select(sa.func.count(IndexJob.id)).where(IndexJob.attempts > 0)
        ) or 0
        expected: dict[str, str | None] = {}
        for name, kind in all_kinds().items():
            if kind.fingerprints is not None:
                for object_id, fp in kind.fingerprints(session).items():
                    expected[make_uid(name, object_id)] = fp
            else:
                for object_id in kind.all_ids(session):
                    expected[make_uid(name, object_id)] = None
    if backends.is_postgres():
        if report.health == store.BROKEN:
            return report
        report = _compare(report, expected, pg_maintenance.indexed_fingerprints())
        outdated = pg_maintenance.outdated_uids() & set(expected)
        report.stale = sorted(set(report.stale) | outdated)
        return report
    if report.health != store.OK:
        return report
    with store.quiet_leaks(collect=False):
        try:
            ix = store.open_index(health.path)
            try:
                with ix.searcher() as searcher:
                    indexed = {f["uid"]: f.get("fp", "") for f in searcher.reader().all_stored_fields()}
            finally:
                ix.close()
        except Exception as exc:  # noqa: BLE001 - a truncated segment fails here
            report.health, report.detail = store.BROKEN, f"{type(exc).__name__}: {exc}"
            import gc

            gc.collect()  # Whoosh's leaked file handles, while ResourceWarning is silenced
    if report.health != store.OK:
        return report
    return _compare(report, expected, indexed)


def _compare(report: CheckReport, expected: dict[str, str | None], indexed: dict[str, str]) -> CheckReport:
    """Fill in what is missing from, extra in and stale in the index."""
    report.missing = sorted(set(expected) - set(indexed))
    report.extra = sorted(set(indexed) - set(expected))
    report.stale = sorted(
        uid for uid, fp in expected.items()
        if fp is not None and uid in indexed and indexed[uid] != fp
    )
    return report


def fix(report: CheckReport) -> CheckReport:
    """Repair what ``check`` found: rebuild a broken index, else queue and apply jobs."""
    if report.health != store.OK:
        rebuild()
        return check()
    release_caller_session()
    with Session(db.engine) as session, session.begin():
        for uid in report.missing + report.stale:
            kind, object_id = split_uid(uid)
            session.add(IndexJob(kind=kind, object_id=object_id, action=ACTION_INDEX))
        for uid in report.extra:
            kind, object_id = split_uid(uid)
            session.add(IndexJob(kind=kind, object_id=object_id, action=ACTION_REMOVE))
        # Failed jobs get a fresh start.
        session.execute(sa.update(IndexJob).values(attempts=0, retry_after=None))
    if backends.is_postgres():
        sync_jobs()
    else:
        sync(wait=30.0, auto_rebuild=False)
    return check()
