"""Every per-process cache of the search engine stays within its documented bound."""
from __future__ import annotations

from qms.search import engine, segcache, store
from qms.search.analyzer import WORD_CACHE_SIZE, fold_word, normalize_word
from qms.search.segcache import LRU, SegmentCache, weigh
from tests.search.conftest import codes


def test_an_lru_never_holds_more_entries_or_bytes_than_its_bounds():
    cache = LRU(size=50, budget=100_000)
    for n in range(500):
        cache[n] = 1 << (8 * (n % 40) * 100)  # bitsets of 0 to 3.9 KB
        assert len(cache) <= 50 and cache.weight <= 100_000
    assert cache.weight == sum(weigh(cache.get(k)) for k in cache.keys())
    assert 499 in cache and 0 not in cache  # the oldest went first


def test_a_replaced_entry_is_weighed_once():
    cache = LRU(size=10, budget=10**6)
    cache["a"] = 1 << 80_000
    cache["a"] = 1
    assert cache.weight == weigh(1)


def test_segment_bitsets_share_one_byte_budget_across_segments(monkeypatch):
    monkeypatch.setattr(segcache, "SEGMENT_BUDGET", 64 * 1024)
    cache = SegmentCache()
    for segment in range(20):
        for term in range(20):
            cache.keep(f"seg{segment}", ("body", f"t{term}"), (1 << 16_000) | term)  # 2 KB each
            assert cache.sets.weight <= 64 * 1024
    assert len(cache.segments()) < 20  # older segments' sets were dropped, not kept per segment
    cache.prune({"seg19"})
    assert cache.segments() == {"seg19"}


def test_search_answers_the_same_when_its_caches_are_tiny(app, corpus, search_as, users, monkeypatch):
    """GIVEN caches so small that every search evicts what the one before cached
    THEN results are those of roomy caches (eviction never changes an answer)."""
    quality = users["quality"]
    queries = ["procedimiento", '"control de documentos"', "auditoria", "registros calidad"]
    roomy = [codes(search_as(quality, q)) for q in queries]
    assert all(roomy)  # each query finds something
    engine.invalidate(store.root_path(app))
    monkeypatch.setattr(segcache, "SEGMENT_BUDGET", 256)
    monkeypatch.setattr("qms.search.searcher.SETS_BUDGET", 256)
    monkeypatch.setattr(segcache, "POSTINGS_BUDGET", 4)
    tiny = [codes(search_as(quality, q)) for q in queries * 2]
    assert tiny == roomy * 2
    h = engine.holder(store.root_path(app))
    assert h.sets.weight <= 256 or len(h.sets) == 1
    assert h.segcache.sets.weight <= 256 or len(h.segcache.sets) == 1


def test_word_caches_are_bounded():
    assert fold_word.cache_info().maxsize == WORD_CACHE_SIZE
    assert normalize_word.cache_info().maxsize == WORD_CACHE_SIZE
