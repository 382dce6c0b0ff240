"""Writing the PostgreSQL search table, in the transaction of the change.

``queue_index``/``queue_remove`` note the object on the session (``enqueue``); just
before that session commits (``before_commit``), the noted objects are read through the
same session, as the transaction is about to commit them, and their rows are written in
it. So a change and its search row commit together or not at all, and every worker on
every host sees the row the moment the change is visible: there is no queue to drain
and no index directory.

Writing a row must not cost the user their change: if it fails (a kind's ``load``
raising, say), it is undone alone (a savepoint) and the objects go to the durable queue
of ``qms.search.models.IndexJob`` instead, which ``qms search sync`` (``apply_jobs``) or
a rebuild applies.
"""
from __future__ import annotations

import itertools
import logging
import time
from collections import OrderedDict

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from qms.extensions import db
from qms.search.kinds import Entry, all_kinds, make_uid
from qms.search.models import IndexJob
from qms.search.pg_models import SearchEntry, SearchWord
from qms.search.pg_terms import ROW_VERSION, entry_vector, title_vector
from qms.search.timing import EPOCH
from qms.search import codeforms
from qms.timeutil import now_utc

log = logging.getLogger(__name__)

#: Key in ``Session.info``: uid -> (kind, object_id, action) noted in this transaction.
PENDING = "qms_search_pg_pending"
#: Objects loaded and written per statement during a rebuild.
BATCH = 500


def enqueue(kind: str, object_id: int, action: str) -> None:
    """Note one object to (re)index or remove when the current transaction commits."""
    pending = db.session().info.setdefault(PENDING, OrderedDict())
    uid = make_uid(kind, object_id)
    pending.pop(uid, None)  # the latest call wins, as in the queue
    pending[uid] = (kind, object_id, action)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint is released: the rows are written with the real commit
    pending = session.info.pop(PENDING, None)
    if pending:
        write_pending(session, list(pending.values()))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def write_pending(session: Session, jobs: list[tuple[str, int, str]]) -> None:
    """Write the rows of ``jobs`` in ``session``'s transaction, or queue them if that fails."""
    from qms.search.queue import load_entries

    try:
        with session.begin_nested():
            entries = load_entries(session, [(None, *job) for job in jobs])
            write_entries(session, entries)
    except Exception:  # noqa: BLE001 - the user's change is committed whatever happens here
        log.exception("search: writing %d search rows failed; they wait in the queue", len(jobs))
        session.add_all(IndexJob(kind=kind, object_id=object_id, action=action) for kind, object_id, action in jobs)


def entry_row(entry: Entry, words: set[str] | None = None) -> dict:
    """Return the ``search_entries`` values of ``entry``; add its vocabulary to ``words``.

    The body stored is the indexed one (content, then metadata), as in the Whoosh index:
    snippets cut it at the metadata (``kinds.body_content``).
    """
    day = entry.date.toordinal() - EPOCH.toordinal() if entry.date else None
    body = entry.indexed_body
    terms, vocabulary = entry_vector(entry.title, entry.code, body)
    if words is not None:
        words.update(vocabulary.words, vocabulary.written)
    return {
        "kind": entry.kind, "object_id": entry.object_id, "code": entry.code,
        "codekeys": sorted(codeforms.exact_keys(entry.code)) if entry.code else [],
        "codeparts": sorted(codeforms.partial_keys(entry.code)) if entry.code else [],
        "title": entry.title, "body": body, "subtitle": entry.subtitle, "type": entry.type,
        "process": entry.process, "state": entry.state, "state_label": entry.state_label,
        "regions": list(entry.regions), "year": str(entry.date.year) if entry.date else "", "day": day,
        "is_archived": bool(entry.is_archived), "visibility": sorted(entry.visibility), "link": entry.link,
        "fingerprint": entry.fingerprint, "terms": terms,
        "title_terms": title_vector(entry.title), "indexed_at": now_utc(), "row_version": ROW_VERSION,
    }


_UPDATED = [c.name for c in SearchEntry.__table__.columns if c.name not in ("kind", "object_id")]


def _upsert(session: Session, rows: list[dict]) -> None:
    stmt = pg_insert(SearchEntry.__table__)
    stmt = stmt.on_conflict_do_update(index_elements=["kind", "object_id"],
                                      set_={name: stmt.excluded[name] for name in _UPDATED})
    session.execute(stmt, rows)


def _delete(session: Session, uids) -> None:
    keys = [tuple(uid.split(":", 1)) for uid in uids]
    for chunk in _chunks(keys, 500):
        session.execute(sa.delete(SearchEntry).where(
            sa.tuple_(SearchEntry.kind, SearchEntry.object_id).in_([(k, int(i)) for k, i in chunk])))


def add_words(session: Session, found: set[str]) -> None:
    """Add words to the vocabulary, sorted: two transactions add them in one order (no deadlock)."""
    for chunk in _chunks(sorted(w for w in found if len(w) <= 80), 1000):
        session.execute(pg_insert(SearchWord.__table__).on_conflict_do_nothing(), [{"word": w} for w in chunk])


def write_entries(session: Session, entries: "OrderedDict[str, Entry | None]") -> None:
    """Apply uid -> entry (None: remove) to the table through ``session``."""
    gone = [uid for uid, entry in entries.items() if entry is None]
    if gone:
        _delete(session, gone)
    present = [entry for entry in entries.values() if entry is not None]
    found: set[str] = set()
    for chunk in _chunks(present, BATCH):
        _upsert(session, [entry_row(entry, found) for entry in chunk])
    if found:
        add_words(session, found)


def _chunks(items, size):
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _lock_rows(session: Session, kind: str, ids: list[int]) -> None:
    """Lock the rows a rebuild batch is about to rewrite.

    A change committing meanwhile writes its row in its own commit, so it waits for this
    batch and then writes the newer state; one committed before the lock is seen by the
    batch's reads, which come after it. The batch never writes an older state over a newer one.
    """
    session.execute(sa.select(SearchEntry.object_id).where(SearchEntry.kind == kind, SearchEntry.object_id.in_(ids))
                    .with_for_update())


def rebuild(progress=None, batch: int = BATCH) -> dict:
    """Rewrite every row from the database, in short transactions; drop rows of vanished objects.

    Searches keep answering throughout (each row is replaced in place), and changes
    committed during the rebuild are never overwritten (``_lock_rows``).
    """
    started = time.monotonic()
    counts: dict[str, int] = {}
    with Session(db.engine) as session:
        covered = list(session.scalars(sa.select(IndexJob.id)))
        session.execute(sa.delete(SearchWord))
        session.commit()
        expected: set[tuple[str, int]] = set()
        for name, kind in all_kinds().items():
            ids = list(kind.all_ids(session))
            session.commit()
            counts[name] = 0
            for chunk in _chunks(ids, batch):
                _lock_rows(session, name, chunk)
                entries = kind.load(session, chunk)
                write_entries(session, OrderedDict((make_uid(name, i), e) for i, e in entries.items()))
                session.commit()
                session.expunge_all()  # keeps memory bounded on a large database
                expected.update((name, i) for i in entries)
                counts[name] += len(entries)
                if progress:
                    progress(name, counts[name], len(ids))
        indexed = {(k, i) for k, i in session.execute(sa.select(SearchEntry.kind, SearchEntry.object_id))}
        _delete(session, [make_uid(k, i) for k, i in indexed - expected])
        for chunk in _chunks(covered, 900):
            session.execute(sa.delete(IndexJob).where(IndexJob.id.in_(chunk)))
        session.commit()
    elapsed = time.monotonic() - started
    total = sum(counts.values())
    log.info("search: rebuilt %s search rows in %.1f s", total, elapsed)
    return {"counts": counts, "total": total, "seconds": elapsed, "path": "postgresql:search_entries"}


def apply_jobs() -> tuple[int, list[str]]:
    """Apply the queued jobs (left by failed writes) to the table; return (applied, errors)."""
    from qms.search.queue import load_entries

    applied, errors = 0, []
    with Session(db.engine) as session:
        jobs = [tuple(row) for row in session.execute(
            sa.select(IndexJob.id, IndexJob.kind, IndexJob.object_id, IndexJob.action).order_by(IndexJob.id))]
        for chunk in _chunks(jobs, BATCH):
            try:
                write_entries(session, load_entries(session, chunk))
                session.execute(sa.delete(IndexJob).where(IndexJob.id.in_([j[0] for j in chunk])))
                session.commit()
                applied += len(chunk)
            except Exception as exc:  # noqa: BLE001 - reported by the CLI, the jobs stay
                session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")
    return applied, errors
