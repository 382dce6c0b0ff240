"""The index schema and its version.

Bump ``SCHEMA_VERSION`` whenever fields or analysis change: an index written by an older
version is then reported as outdated, searched through the database fallback, and
rebuilt by ``qms search rebuild``.

What is stored is chosen for speed: only what a result line and its snippet need. Facet
fields are plain untokenised terms, because facets are counted from posting bitsets
(see ``qms.search.facets``), not from stored values.
"""
from __future__ import annotations

from array import array
from itertools import accumulate

from whoosh import fields, formats
from whoosh.system import _INT_SIZE, pack_uint

from qms.search.analyzer import SpanishAnalyzer

SCHEMA_VERSION = 5

#: Fields a user may filter on, by the names typed in the search box (Spanish and English).
FILTER_FIELDS = {
    "tipo": "type", "type": "type",
    "proceso": "process", "process": "process",
    "estado": "state", "state": "state",
    "region": "region", "región": "region",
    "año": "year", "ano": "year", "anio": "year", "year": "year",
    "clase": "kind", "kind": "kind",
    "codigo": "code", "código": "code", "code": "code",
    "titulo": "title", "título": "title", "title": "title",
}
#: Facets shown as chips, in display order.
FACETS = ("kind", "type", "process", "state", "region", "year")


class CompactPositions(formats.Positions):
    """Whoosh's ``Positions`` stored as a packed array instead of a pickled list.

    A phrase is checked by decoding the positions of its words in each candidate
    document; ``pickle.loads`` per posting was most of that time. Same layout otherwise:
    the frequency first (``decode_frequency`` is inherited), then a typecode and the
    deltas between positions.
    """

    def encode(self, poslist):
        deltas, base = [], 0
        for pos in poslist:
            deltas.append(pos - base)
            base = pos
        code = "H" if not deltas or max(deltas) < 65536 else "I"
        return pack_uint(len(deltas)) + code.encode() + array(code, deltas).tobytes()

    def decode_positions(self, valuestring):
        code = chr(valuestring[_INT_SIZE])
        return list(accumulate(array(code, valuestring[_INT_SIZE + 1:])))


def _text(analyzer, **kwargs) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, **kwargs)
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> fields.Schema:
    """Return the Whoosh schema of the index."""
    analyzer = SpanishAnalyzer()
    return fields.Schema(
        uid=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        code=fields.ID(stored=True),
        #: The code's exact keys ("prgt01", "prgt1"), see ``qms.search.codeforms``: "PR-GT-01",
        #: "pr-gt-01", "PRGT01" and "PR-GT-1" all meet.
        codekey=fields.KEYWORD(),
        #: The code's series and tails ("pr", "prgt", "gt01", "gt1"): "PR-GT", "GT-01".
        codepart=fields.KEYWORD(),
        title=_text(analyzer, stored=True, field_boost=3.0),
        body=_text(analyzer, stored=True),
        #: Adjacent pairs of the generation's most common stems ("sistem_gestion"), see
        #: ``analyzer.common_pairs``: phrases of common words without reading positions.
        pairs=fields.KEYWORD(),
        #: Unstemmed folded words, the vocabulary of "¿Quiso decir …?".
        spell=fields.KEYWORD(scorable=False),
        #: ``folded:written`` of words written with accents ("evaluacion:evaluación"), so a
        #: suggestion is shown as it is written.
        surface=fields.KEYWORD(scorable=False),
        subtitle=fields.STORED(),
        link=fields.STORED(),
        fp=fields.STORED(),
        type=fields.ID(stored=True),
        process=fields.ID(stored=True),
        state=fields.ID(stored=True),
        state_label=fields.STORED(),
        region=fields.KEYWORD(stored=True, commas=True),
        year=fields.ID(stored=True),
        #: Days since 1970-01-01, for sorting by date.
        day=fields.NUMERIC(int, bits=32, stored=True, sortable=True),
        archived=fields.ID(),
        visibility=fields.KEYWORD(),
    )
