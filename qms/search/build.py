"""Building a whole index generation from the database and swapping it in.

Used by ``qms search rebuild`` (``qms.search.maintenance``) and by the queue, which
rebuilds a small database on the spot when the index is missing or outdated. It knows
nothing of either caller, so both can import it without importing each other.
"""
from __future__ import annotations

import itertools
import logging
import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from qms.extensions import db
from qms.search import store, writer
from qms.search.kinds import all_kinds
from qms.search.models import IndexJob
from qms.search.searcher import invalidate

log = logging.getLogger(__name__)

#: Objects loaded per database round trip during a rebuild (bounds memory).
REBUILD_BATCH = 500


def corpus_size(limit: int) -> int:
    """Return how many objects the kinds would index, counting at most ``limit``."""
    total = 0
    with Session(db.engine) as session:
        for kind in all_kinds().values():
            total += sum(1 for _ in itertools.islice(kind.all_ids(session), limit - total))
            if total >= limit:
                break
    return total


def _chunks(ids, size):
    it = iter(ids)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _sample(kinds, all_ids: dict[str, list[int]]):
    """Yield up to ``writer.COMMON_SAMPLE`` entries per kind, spread over its ids."""
    for name, kind in kinds.items():
        ids = all_ids[name]
        picked = ids[:: max(1, len(ids) // writer.COMMON_SAMPLE)][: writer.COMMON_SAMPLE]
        for chunk in _chunks(picked, REBUILD_BATCH):
            with Session(db.engine) as session:
                yield from kind.load(session, chunk).values()


def rebuild_locked(root, progress=None, batch: int = REBUILD_BATCH) -> dict:
    """Build a fresh generation from the database and swap it in (lock held by caller).

    Jobs visible when the rebuild starts are covered by what it reads, so exactly those
    are deleted afterwards; jobs committed meanwhile stay for the next sync.
    """
    started = time.monotonic()
    with Session(db.engine) as session:
        covered = list(session.scalars(sa.select(IndexJob.id)))
    kinds = all_kinds()
    all_ids: dict[str, list[int]] = {}
    for name, kind in kinds.items():
        with Session(db.engine) as session:
            all_ids[name] = list(kind.all_ids(session))
    common = frozenset(writer.choose_common(_sample(kinds, all_ids)))
    gen, ix = store.new_generation(root)
    counts: dict[str, int] = {}
    try:
        with writer.open_writer(ix, bulk=True) as w:
            for name, kind in kinds.items():
                ids = all_ids.pop(name)
                counts[name] = 0
                for chunk in _chunks(ids, batch):
                    # A new session per batch keeps the identity map (memory) bounded.
                    with Session(db.engine) as session:
                        entries = kind.load(session, chunk)
                    counts[name] += writer.add_bulk(w, entries.values(), common)
                    if progress:
                        progress(name, counts[name], len(ids))
    finally:
        ix.close()
    store.mark_complete(gen, counts=counts, common=sorted(common))
    store.fsync_dir(gen)
    store.swap_in(root, gen)
    with Session(db.engine) as session, session.begin():
        for chunk in _chunks(covered, 900):
            session.execute(sa.delete(IndexJob).where(IndexJob.id.in_(chunk)))
    invalidate(root)
    elapsed = time.monotonic() - started
    total = sum(counts.values())
    log.info("search: rebuilt %s entries in %.1f s", total, elapsed)
    return {"counts": counts, "total": total, "seconds": elapsed, "path": str(gen)}
