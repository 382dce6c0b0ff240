"""The table of the PostgreSQL search backend: one row per indexed object.

The row is written in the transaction of the change it reflects (``qms.search.pg_writer``),
so every worker on every host sees a change the moment it is committed, and there is no
index directory. Text is analysed in Python by ``qms.search.analyzer`` (the same stems,
accent folding and stop words as the Whoosh index) and stored as a ``tsvector`` built
from those terms; PostgreSQL's own Spanish stemmer and ``unaccent`` are never used.

On SQLite the table exists (the schema is one for both databases) but stays empty: the
Whoosh backend is the only one there. The PostgreSQL-only types fall back to text.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc


class TermVector(TypeDecorator):
    """A ``tsvector`` on PostgreSQL; plain text elsewhere (unused there)."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TSVECTOR())
        return dialect.type_descriptor(sa.Text())


class TokenList(TypeDecorator):
    """A ``text[]`` on PostgreSQL (searchable with ``&&`` through a GIN index); JSON elsewhere."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(sa.Text()))
        return dialect.type_descriptor(sa.JSON())


class SearchEntry(db.Model):
    """What one object contributes to search (``qms.search.kinds.Entry``), searchable in SQL."""

    __tablename__ = "search_entries"

    #: Registered kind name and the object's id within it (the uid is ``kind:object_id``).
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    object_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Human code, its exact keys ("prgt01", "prgt1") and its series and tails ("pr",
    #: "prgt", "gt01", "gt1"), ``qms.search.codeforms``: the code boosts of ranking.
    code: Mapped[str] = mapped_column(sa.String(80), default="")
    codekeys: Mapped[list] = mapped_column(TokenList, default=list)
    codeparts: Mapped[list] = mapped_column(TokenList, default=list)
    #: Title and body as shown: snippets and highlights are computed from them.
    title: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    subtitle: Mapped[str] = mapped_column(sa.Text, default="")
    #: Facet values (codes, not labels), as the Whoosh index stores them.
    type: Mapped[str] = mapped_column(sa.String(40), default="")
    process: Mapped[str] = mapped_column(sa.String(40), default="")
    state: Mapped[str] = mapped_column(sa.String(40), default="")
    state_label: Mapped[str] = mapped_column(sa.String(120), default="")
    regions: Mapped[list] = mapped_column(TokenList, default=list)
    year: Mapped[str] = mapped_column(sa.String(4), default="")
    #: Days since 1970-01-01 of the entry's date (sorting by date); None: no date.
    day: Mapped[int | None]
    is_archived: Mapped[bool] = mapped_column(default=False)
    #: Visibility tokens (``qms.search.kinds``): a search sees rows sharing one of the user's.
    visibility: Mapped[list] = mapped_column(TokenList, default=list)
    #: Where a result opens: ``{"endpoint": ..., "values": {...}}``.
    link: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Title (weight A), code keys (B) and body (D) terms with positions; unstemmed words
    #: of four letters or more and their written forms with weight C, for prefixes and
    #: suggestions (``qms.search.pg_terms``).
    terms: Mapped[str] = mapped_column(TermVector, default="")
    #: The title's terms alone: small and stored in the row, so choosing which of many
    #: matches to rank never reads the large ``terms`` of every match.
    title_terms: Mapped[str] = mapped_column(TermVector, default="")
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: ``pg_terms.ROW_VERSION`` when written: a row of an older analysis is outdated.
    row_version: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.Index("ix_search_entries_terms", "terms", postgresql_using="gin"),
        sa.Index("ix_search_entries_visibility", "visibility", postgresql_using="gin"),
    )

    @property
    def uid(self) -> str:
        return f"{self.kind}:{self.object_id}"

    def __repr__(self) -> str:
        return f"<SearchEntry {self.kind}:{self.object_id} {self.code!r}>"


#: How the rows are stored on PostgreSQL. A search reads the small columns of every match
#: (facets, permissions, choosing what to rank) and the large ones (body, terms) of one
#: page only: pushing every value that can go out of the row (``toast_tuple_target``)
#: keeps the table that the matches are read from small, and the columns read for every
#: match stay in it (``STORAGE MAIN``). Also in the migration.
ROW_STORAGE = (
    "ALTER TABLE search_entries SET (toast_tuple_target = 128), "
    "ALTER COLUMN title SET STORAGE MAIN, ALTER COLUMN title_terms SET STORAGE MAIN, "
    "ALTER COLUMN subtitle SET STORAGE MAIN, ALTER COLUMN link SET STORAGE MAIN"
)
event.listen(SearchEntry.__table__, "after_create", DDL(ROW_STORAGE).execute_if(dialect="postgresql"))


class SearchWord(db.Model):
    """One unstemmed folded word found in the indexed text: the vocabulary of "¿Quiso decir …?".

    A word written with accents also has a row ``folded:written`` ("evaluacion:evaluación"),
    so a suggestion is shown as it is written.

    Words are added with the entries that hold them and only dropped by a rebuild; a
    suggestion is offered only when it finds something the user may see, so a word
    left behind by a removed entry is never suggested for nothing.
    """

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(sa.String(80), primary_key=True)

    def __repr__(self) -> str:
        return f"<SearchWord {self.word!r}>"
