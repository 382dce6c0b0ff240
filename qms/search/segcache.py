"""What is cached per index segment: posting bitsets and the posting arrays BM25 reads.

A segment never changes once written, so whatever was read from it stays true for as
long as it exists; after a commit only the new, small segment is read again.
"""
from __future__ import annotations

from array import array
from collections import OrderedDict

from qms.search.bitsets import to_bits
from qms.search.postings import read_postings


#: Bounds of the per-process caches of bitsets (a bitset is a Python int of one bit per
#: document: 7.5 KB at 60,000 entries, 80 KB at 650,000). Entries are counted *and*
#: weighed, so a larger index keeps fewer sets instead of more memory:
#: * ``SET_CACHE_SIZE`` / ``SETS_BUDGET``: whole-index sets of one open searcher
#:   (terms, prefixes, facet values), dropped at every refresh;
#: * ``SEGMENT_BUDGET``: per-segment posting bitsets and phrase checks, shared by all the
#:   segments of the process and kept across refreshes while their segment exists.
SET_CACHE_SIZE = 2000
SETS_BUDGET = 24 * 2**20
SEGMENT_BUDGET = 32 * 2**20


def weigh(value) -> int:
    """Roughly the bytes a cached value holds (ints, strings and tuples of them)."""
    if isinstance(value, int):
        return 28 + value.bit_length() // 8
    if isinstance(value, str):
        return 49 + len(value)
    if isinstance(value, tuple):
        return 40 + 8 * len(value) + sum(weigh(v) for v in value)
    return 64


class LRU:
    """A least-recently-used map bounded by a number of entries and, if given, by bytes.

    Not thread-safe by itself: its users hold their holder's lock.
    """

    def __init__(self, size: int, budget: int | None = None):
        self.size, self.budget = size, budget
        self.weight = 0
        self._items: OrderedDict = OrderedDict()  # key -> (value, weight)

    def get(self, key, default=None):
        found = self._items.get(key)
        if found is None:
            return default
        self._items.move_to_end(key)
        return found[0]

    def __setitem__(self, key, value):
        old = self._items.pop(key, None)
        if old is not None:
            self.weight -= old[1]
        weight = weigh(value)
        self._items[key] = (value, weight)
        self.weight += weight
        while len(self._items) > self.size or (self.budget is not None and self.weight > self.budget
                                                and len(self._items) > 1):
            _key, (_value, dropped) = self._items.popitem(last=False)
            self.weight -= dropped

    def __contains__(self, key) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def keys(self):
        return list(self._items)

    def discard(self, key) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.weight -= old[1]


#: Postings (document numbers and weights) of scored terms kept in memory per process,
#: 8 bytes each (32 MB): BM25 of a page's candidates then needs no block decoding.
POSTINGS_BUDGET = 4_000_000


#: Fields whose postings are scored (BM25) and so worth keeping as arrays.
SCORED_FIELDS = frozenset({"title", "body"})


class SegmentCache:
    """Posting bitsets and arrays per segment, kept across refreshes while the segment exists.

    A segment never changes once written, so what was read from it stays true; deletions
    are applied separately (``Holder.alive``).
    """

    def __init__(self):
        #: (segment id, key) -> bitset or (checked, found) of a phrase, within SEGMENT_BUDGET.
        self.sets = LRU(10**9, SEGMENT_BUDGET)
        self.arrays: OrderedDict = OrderedDict()
        self.arrays_size = 0

    def segments(self) -> set[str]:
        """The segments something is cached for."""
        return {segid for segid, _key in self.sets.keys()}

    def cached(self, segid: str, key):
        return self.sets.get((segid, key))

    def keep(self, segid: str, key, value) -> None:
        self.sets[(segid, key)] = value

    def prune(self, live: set[str]) -> None:
        for key in self.sets.keys():
            if key[0] not in live:
                self.sets.discard(key)
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
        bits = self.cached(segid, key)
        if bits is None:
            from whoosh.searching import Searcher

            searcher = Searcher(reader, closereader=False)
            bits = to_bits(make_query().docs(searcher))
            self.keep(segid, key, bits)
        return bits

    def get(self, segid: str, reader, fieldname: str, value: str) -> int:
        """Return one term's documents in one segment as a bitset (deleted ones included)."""
        key = (fieldname, value)
        bits = self.cached(segid, key)
        if bits is None:
            if fieldname in SCORED_FIELDS:
                ids = self.postings(segid, reader, fieldname, value)[0]
            else:
                ids = read_postings(reader, fieldname, value)[0]
            bits = to_bits(ids)
            self.keep(segid, key, bits)
        return bits
