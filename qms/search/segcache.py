"""What is cached per index segment: posting bitsets and the posting arrays BM25 reads.

A segment never changes once written, so whatever was read from it stays true for as
long as it exists; after a commit only the new, small segment is read again.
"""
from __future__ import annotations

from array import array
from collections import OrderedDict

from qms.search.bitsets import to_bits
from qms.search.postings import read_postings


#: Posting bitsets kept per segment, and derived bitsets kept per searcher.
SET_CACHE_SIZE = 2000


class LRU(OrderedDict):
    """A small least-recently-used dict for cached document sets."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


#: Postings (document numbers and weights) of scored terms kept in memory per process,
#: about 8 bytes each: BM25 of a page's candidates then needs no block decoding.
POSTINGS_BUDGET = 4_000_000


#: Fields whose postings are scored (BM25) and so worth keeping as arrays.
SCORED_FIELDS = frozenset({"title", "body"})


class SegmentCache:
    """Posting bitsets and arrays per segment, kept across refreshes while the segment exists.

    A segment never changes once written, so what was read from it stays true; deletions
    are applied separately (``Holder.alive``).
    """

    def __init__(self):
        self.by_segment: dict[str, LRU] = {}
        self.arrays: OrderedDict = OrderedDict()
        self.arrays_size = 0

    def prune(self, live: set[str]) -> None:
        for segid in list(self.by_segment):
            if segid not in live:
                del self.by_segment[segid]
        for key in [k for k in self.arrays if k[0] not in live]:
            self.arrays_size -= len(self.arrays.pop(key)[0])

    def postings(self, segid: str, reader, fieldname: str, value: str) -> tuple[array, array]:
        key = (segid, fieldname, value)
        found = self.arrays.get(key)
        if found is not None:
            self.arrays.move_to_end(key)
            return found
        found = read_postings(reader, fieldname, value)
        self.arrays[key] = found
        self.arrays_size += len(found[0])
        while self.arrays_size > POSTINGS_BUDGET and len(self.arrays) > 1:
            _k, (ids, _w) = self.arrays.popitem(last=False)
            self.arrays_size -= len(ids)
        return found

    def get_query(self, segid: str, key: tuple, reader, make_query) -> int:
        """Return the documents of one segment matching a query (deleted ones may remain)."""
        cache = self.by_segment.setdefault(segid, LRU(SET_CACHE_SIZE))
        bits = cache.get(key)
        if bits is None:
            from whoosh.searching import Searcher

            searcher = Searcher(reader, closereader=False)
            bits = to_bits(make_query().docs(searcher))
            cache[key] = bits
        return bits

    def get(self, segid: str, reader, fieldname: str, value: str) -> int:
        """Return one term's documents in one segment as a bitset (deleted ones included)."""
        cache = self.by_segment.setdefault(segid, LRU(SET_CACHE_SIZE))
        key = (fieldname, value)
        bits = cache.get(key)
        if bits is None:
            if fieldname in SCORED_FIELDS:
                ids = self.postings(segid, reader, fieldname, value)[0]
            else:
                ids = read_postings(reader, fieldname, value)[0]
            bits = to_bits(ids)
            cache[key] = bits
        return bits
