"""Accent- and case-blind matching in SQL, for the database fallback of search.

While the index is missing or broken, search answers from the database with LIKE. To
find "Auditoría" from "auditoria" or "AUDITORÍA" there, both sides are folded the way the
analyzer folds (``analyzer.fold``): the query word in Python, the column in SQL by
``folded(column)``. JSON columns store accented letters as ``\\u00ed`` escapes, which
are folded too. It scans; it is the degraded path, not the fast one.

* SQLite: ``lower`` folds only ASCII and deep ``replace`` nesting overflows its parser,
  so each connection gets a Python function, ``qms_fold`` (``qms.db.fold_text``).
* PostgreSQL: ``lower`` (Unicode-aware) then ``translate`` of the accented letters, with
  the JSON escapes replaced first (``unaccent`` is an extension we cannot count on).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from qms.search.analyzer import fold

#: Lowercase accented letters of Spanish -> the plain letter (PostgreSQL's translate).
_ACCENTED, _PLAIN = "áéíóúüñ", "aeiouun"


class folded(FunctionElement):  # noqa: N801 - reads as a SQL function
    """``column`` as text, lower-cased, without accents."""

    type = sa.Text()
    inherit_cache = True
    name = "qms_fold"


@compiles(folded)
def _folded_default(element, compiler, **kw):
    # SQLite (and any other database that registered the function on connect).
    return f"qms_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw):
    expr = f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"
    for letter in _ACCENTED + _ACCENTED.upper():
        expr = f"replace({expr}, '\\u{ord(letter):04x}', '{letter}')"
    return f"translate(lower({expr}), '{_ACCENTED}', '{_PLAIN}')"


def contains(column, word: str) -> sa.ColumnElement:
    """Return the condition: ``column`` holds ``word``, whatever the accents and case."""
    return folded(column).like(f"%{fold(word)}%")


def any_contains(columns, word: str) -> sa.ColumnElement:
    return sa.or_(*(contains(column, word) for column in columns))
