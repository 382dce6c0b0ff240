"""Sets of documents as Python ints: bit n is document n of a searcher (or a segment).

Every set the engine combines (matches, permissions, filters, facet values) is one of
these, because ``&``, ``|`` and ``bit_count()`` on ints run at C speed, where Whoosh
would walk documents one Python call at a time.
"""
from __future__ import annotations


def to_bits(docnums) -> int:
    """Return the bitset (a Python int, bit n = document n) of ``docnums``."""
    docnums = list(docnums)
    if not docnums:
        return 0
    buf = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


#: The bits set in each byte value: ``iter_bits`` decodes a whole byte per lookup.
_BYTE_BITS = [tuple(j for j in range(8) if b >> j & 1) for b in range(256)]


def iter_bits(bits: int):
    """Yield the document numbers set in ``bits``, ascending."""
    for i, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) >> 3, "little")):
        if byte:
            base = i << 3
            for j in _BYTE_BITS[byte]:
                yield base + j


def top_bits(bits: int, n: int) -> list[int]:
    """Return the ``n`` highest document numbers set in ``bits`` (descending)."""
    out = []
    while bits and len(out) < n:
        d = bits.bit_length() - 1
        out.append(d)
        bits ^= 1 << d
    return out
