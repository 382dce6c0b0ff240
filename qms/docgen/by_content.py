"""A bounded cache for what is read out of a file's bytes, keyed by their SHA-256.

``functools.lru_cache`` on a function of ``bytes`` keeps every file it saw as a key: 64
Word files of up to 20 MB each could pin over a gigabyte in one worker. Keyed by digest,
the cache holds only the (small) results.
"""
from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict


def cached_by_content(maxsize: int):
    """Decorate ``fn(data: bytes)``: at most ``maxsize`` results, least recently used dropped."""

    def decorate(fn):
        cache: OrderedDict[bytes, object] = OrderedDict()
        lock = threading.Lock()  # threaded workers share it

        @functools.wraps(fn)
        def wrapper(data: bytes):
            key = hashlib.sha256(data).digest()
            with lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            value = fn(data)
            with lock:
                cache[key] = value
                while len(cache) > maxsize:
                    cache.popitem(last=False)
            return value

        wrapper.cache = cache
        return wrapper

    return decorate
