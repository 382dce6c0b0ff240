"""Reading one segment's posting lists and positions straight from Whoosh's blocks.

Whoosh's matchers yield one posting per Python call; these functions take whole blocks
(or binary-search them for a few documents) instead. They are the only code that uses
Whoosh's private block-level attributes, so a Whoosh upgrade is checked here.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left

from qms.search.bitsets import to_bits


def read_postings(reader, fieldname: str, value: str) -> tuple[array, array]:
    """Return a segment's posting list of one term: (document numbers, weights).

    Deleted documents are included. Reads whole blocks at a time (Whoosh's matcher
    yields one posting per Python call).
    """
    terms = reader._terms  # noqa: SLF001 - no public block-level access
    key = reader._text_to_bytes(fieldname, value)  # noqa: SLF001
    ids, weights = array("I"), array("f")
    if (fieldname, key) not in terms:
        return ids, weights
    m = terms.matcher(fieldname, key, reader.schema[fieldname].format)
    if not hasattr(m, "_read_ids"):  # not a block matcher (e.g. an inlined short list)
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        return ids, weights
    while m.is_active():
        if m._ids is None:  # noqa: SLF001
            m._read_ids()  # noqa: SLF001
        if m._weights is None:  # noqa: SLF001
            m._read_weights()  # noqa: SLF001
        ids.extend(m._ids[m._i:m._blocklength])  # noqa: SLF001
        weights.extend(m._weights[m._i:m._blocklength])  # noqa: SLF001
        m._i = m._blocklength  # noqa: SLF001
        m._next_block()  # noqa: SLF001
    return ids, weights


def postings_values(reader, fieldname: str, stem: str, docs: list[int]) -> dict[int, bytes]:
    """Return the encoded posting value (positions) of ``stem`` for each of ``docs`` (sorted)."""
    terms = reader._terms  # noqa: SLF001
    key = reader._text_to_bytes(fieldname, stem)  # noqa: SLF001
    out: dict[int, bytes] = {}
    if (fieldname, key) not in terms:
        return out
    m = terms.matcher(fieldname, key, reader.schema[fieldname].format)
    if not hasattr(m, "_read_ids"):  # not a block matcher (e.g. an inlined short list)
        wanted = set(docs)
        while m.is_active():
            if m.id() in wanted:
                out[m.id()] = m.value()
            m.next()
        return out
    for d in docs:
        if not m.is_active():
            break
        if d > m.block_max_id():
            m._skip_to_block(lambda: d > m.block_max_id())  # noqa: SLF001,B023
            if not m.is_active():
                break
        if m._ids is None:  # noqa: SLF001
            m._read_ids()  # noqa: SLF001
        i = bisect_left(m._ids, d, m._i, m._blocklength)  # noqa: SLF001
        m._i = i  # noqa: SLF001
        if i < m._blocklength and m._ids[i] == d:  # noqa: SLF001
            if m._values is None:  # noqa: SLF001
                m._read_values()  # noqa: SLF001
            out[d] = m._values[i]  # noqa: SLF001
    return out


def verify_phrase(reader, fieldname: str, stems: tuple[str, ...], docs: list[int]) -> int:
    """Return (as a segment-local bitset) which of ``docs`` hold ``stems`` side by side.

    The same check as Whoosh's ``Phrase`` (stop words hold no position, so "control de
    documentos" is ``control`` then ``document``), decoding positions only for ``docs``
    instead of walking span matchers over every document holding the words.
    """
    values = [postings_values(reader, fieldname, stem, docs) for stem in stems]
    decode = reader.schema[fieldname].format.decode_positions
    found = []
    for d in docs:
        try:
            starts = set(decode(values[0][d]))
            for k in range(1, len(stems)):
                starts.intersection_update(p - k for p in decode(values[k][d]))
                if not starts:
                    break
        except KeyError:
            continue
        if starts:
            found.append(d)
    return to_bits(found)
