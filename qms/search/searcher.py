"""This process's open searcher per index generation, and the document sets cached for it.

Opening a searcher costs tens of milliseconds, so each process keeps one per index
root (``holder``), reopens it when the generation changes and only ``refresh()``-es it
when a commit made it stale. The holder turns per-segment sets (``segcache``) into sets
over the whole searcher, with deletions masked out.
"""
from __future__ import annotations

import gc
import threading
from pathlib import Path

from qms.search import store
from qms.search.bitsets import iter_bits, to_bits
from qms.search.postings import verify_phrase
from qms.search.segcache import LRU, SET_CACHE_SIZE, SETS_BUDGET, SegmentCache


class IndexUnavailable(Exception):
    """The index cannot be used now; ``state`` is one of the ``store`` health states."""

    def __init__(self, state: str, detail: str = ""):
        super().__init__(detail or state)
        self.state = state
        self.detail = detail


class Holder:
    """One open index generation, its searcher and the sets cached for it."""

    def __init__(self, gen: Path):
        health = store.health(gen.parent)
        if not health.is_ok or health.path != gen:
            raise IndexUnavailable(health.state, health.detail)
        self.gen = gen
        self.ix = store.open_index(gen)
        self.searcher = self.ix.searcher()
        self.segcache = SegmentCache()
        #: Stems whose adjacent pairs this generation indexes (``pairs`` field).
        self.common = store.common_stems(gen)
        self.lock = threading.RLock()
        self._layout()

    def _layout(self) -> None:
        """Note the segments, their offsets and live documents of the current searcher.

        Deletions come from the index's table of contents, not from the readers: on
        ``refresh()`` Whoosh reuses the reader of a segment that only gained deletions,
        with its old deletion set (an updated entry would be found twice).
        """
        self.sets = LRU(SET_CACHE_SIZE, SETS_BUDGET)
        self.leaves = []
        alive = 0
        current = {seg.segment_id(): seg for seg in self.ix._segments()}  # noqa: SLF001
        for reader, offset in self.searcher.reader().leaf_readers():
            segment = reader.segment() if hasattr(reader, "segment") else None
            segid = segment.segment_id() if segment is not None else str(id(reader))
            segment = current.get(segid, segment)
            n = reader.doc_count_all()
            seg_alive = (1 << n) - 1
            deleted = segment.deleted_docs() if segment is not None and segment.has_deletions() else ()
            if deleted:
                seg_alive &= ~to_bits(deleted)
            alive |= seg_alive << offset
            self.leaves.append((segid, reader, offset))
        self.alive = alive
        self.segcache.prune({segid for segid, _r, _o in self.leaves})
        self._by_day = None

    def fresh(self) -> None:
        """Refresh the searcher if another writer committed since it was opened.

        Posting bitsets of segments that did not change are kept (``SegmentCache``), so
        the first search of a common word after a commit reads only the new segment.
        """
        if not self.searcher.up_to_date():
            # Not ``searcher.refresh()``: Whoosh-Reloaded's reader reuse appends the old
            # reader's segments to the current ones, so after a merge the merged-away
            # segments stay searchable and every entry they held is found again (a saved
            # draft listed its effective version several times). A searcher on the table of
            # contents has exactly the current segments; ``segcache`` keeps what it read of
            # the segments that did not change, keyed by segment id.
            stale, self.searcher = self.searcher, self.ix.searcher()
            stale.close()
            self._layout()

    def term_set(self, fieldname: str, value: str) -> int:
        """Return the live documents holding one term, as a bitset."""
        key = (fieldname, value)
        cached = self.sets.get(key)
        if cached is None:
            cached = 0
            for segid, reader, offset in self.leaves:
                raw = self.segcache.get(segid, reader, fieldname, value)
                if raw:
                    cached |= raw << offset
            cached &= self.alive
            self.sets[key] = cached
        return cached

    def query_set(self, key: tuple, make_query) -> int:
        """Return the live documents matching a Whoosh query (a prefix), cached per segment."""
        cached = self.sets.get(key)
        if cached is None:
            cached = 0
            for segid, reader, offset in self.leaves:
                cached |= self.segcache.get_query(segid, key, reader, make_query) << offset
            cached &= self.alive
            self.sets[key] = cached
        return cached

    def phrase_set(self, fieldname: str, stems: tuple[str, ...], within: int = -1) -> int:
        """Return the live documents among ``within`` where ``stems`` are adjacent in ``fieldname``.

        Positions are only read for documents holding every word that are in ``within``
        (what the user may see) and were not checked before: each segment remembers which
        documents it has checked for this phrase and which matched.
        """
        key = ("#phrase", fieldname, stems)
        out = 0
        for segid, reader, offset in self.leaves:
            n = reader.doc_count_all()
            cand = (within >> offset) & ((1 << n) - 1) & (self.alive >> offset)
            for stem in stems:
                if not cand:
                    break
                cand &= self.segcache.get(segid, reader, fieldname, stem)
            if not cand:
                continue
            checked, found = self.segcache.cached(segid, key) or (0, 0)
            todo = cand & ~checked
            if todo:
                found |= verify_phrase(reader, fieldname, stems, list(iter_bits(todo)))
                checked |= todo
                self.segcache.keep(segid, key, (checked, found))
            out |= (found & cand) << offset
        return out

    def values(self, fieldname: str) -> list[str]:
        key = ("#values", fieldname)
        cached = self.sets.get(key)
        if cached is None:
            cached = tuple(t.decode("utf-8") for t in self.searcher.reader().lexicon(fieldname))
            self.sets[key] = cached
        return list(cached)

    def by_day(self) -> list[int]:
        """Return every document number, newest ``day`` first (cached per searcher)."""
        if self._by_day is None:
            column = self.searcher.reader().column_reader("day")
            n = self.searcher.doc_count_all()
            days = [column[d] or 0 for d in range(n)]
            self._by_day = sorted(range(n), key=lambda d: (-days[d], d))
        return self._by_day

    def close(self) -> None:
        try:
            self.searcher.close()
            self.ix.close()
        except Exception:  # noqa: BLE001
            pass


#: Index root -> its holder. Requests of a threaded server share them, hence the lock
#: (and each holder's own lock around a search).
_holders: dict[str, Holder] = {}
_holders_lock = threading.Lock()


def holder(root: Path) -> Holder:
    """Return this process's holder for ``root``, reopened or refreshed as needed."""
    gen = store.current_generation(root)
    if gen is None:
        raise IndexUnavailable(store.MISSING, "no hay índice de búsqueda")
    with _holders_lock:
        current = _holders.get(str(root))
        if current is None or current.gen != gen:
            if current is not None:
                current.close()
            detail = None
            with store.quiet_leaks(collect=False):
                try:
                    current = Holder(gen)
                except IndexUnavailable:
                    raise
                except Exception as exc:  # noqa: BLE001 - truncated or unreadable files
                    detail = f"{type(exc).__name__}: {exc}"
                if detail is not None:
                    gc.collect()
            if detail is not None:
                raise IndexUnavailable(store.BROKEN, detail)
            _holders[str(root)] = current
        # Refreshing reads the generation's table of contents again: a generation made
        # unreadable (or damaged) under this process fails here, and must become the
        # degraded notice like a failure to open, never an error page.
        detail = None
        with store.quiet_leaks(collect=False):
            try:
                # Under the holder's lock: a thread of a threaded worker may be searching
                # it, and refreshing swaps the searcher and its caches under that search.
                with current.lock:
                    current.fresh()
            except Exception as exc:  # noqa: BLE001 - permissions, truncated or deleted files
                detail = f"{type(exc).__name__}: {exc}"
                _holders.pop(str(root), None)
                current.close()
            if detail is not None:
                gc.collect()
        if detail is not None:
            raise IndexUnavailable(store.BROKEN, detail)
        return current


def invalidate(root: Path) -> None:
    """Drop this process's searcher for ``root`` (after a rebuild or a failure)."""
    with _holders_lock:
        current = _holders.pop(str(root), None)
    if current is not None:
        current.close()


def close_all() -> None:
    """Close every searcher this process holds (tests, shutdown)."""
    with _holders_lock:
        holders = list(_holders.values())
        _holders.clear()
    for h in holders:
        h.close()
