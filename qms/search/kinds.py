"""The registry of searchable kinds.

Each domain module describes what it puts in the index and who may see it by registering
a ``Kind`` (see ``qms/documents/indexing.py`` for the worked example). To add one:

1. write ``qms/<module>/indexing.py`` with

   * ``load(session, ids) -> dict[id, Entry]``: build one ``Entry`` per id that should be
     in the index; an id left out is removed from the index;
   * ``all_ids(session) -> Iterable[int]``: every id to index on a rebuild (streamed);
   * ``visible_ids(session, user, ids) -> set[int]``: the final permission check, the
     module's own ``can_view_*`` rule; only page hits pass through it;
   * ``fallback(session, user, text, limit, include_archived) -> list[Entry]``: a plain database search used
     while the index is unusable (already permission-filtered);
   * optionally ``fingerprints(session) -> dict[id, str]`` for drift checks,
     ``facet_labels`` for chip labels and ``lookup_code`` for code jumps;

   and call ``register_kind(Kind(...))`` at import;
2. add the module to ``REGISTRATIONS`` in ``qms/__init__.py``: ``create_app`` imports it,
   so the registry is complete in every process that builds the app (web, CLI, tests);
   search itself imports no domain module;
3. call ``qms.search.queue_index(kind, id)`` from the module's service on every change,
   ``queue_remove`` on deletion.

Visibility is decided twice: ``Entry.visibility`` holds *tokens* written into the index
("all", "perm:record.read", "user:12") and a search only matches entries carrying one of
the tokens the user holds (``user_tokens``) — fast, and it keeps facets and suggestions
honest; then ``visible_ids`` re-checks the page hits against the database, so a stale
index entry is never shown. A rule that follows the owner of a process uses
``process_owner_token(process_id)``: the user holds it while they own the process, so a
change of owner (in ``qms.org``, which indexes nothing) needs no re-indexing.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable, Sequence

#: The visibility token every signed-in user holds.
PUBLIC = "all"
#: Between an entry's content and its ``meta`` in the indexed body: no word contains it,
#: and a snippet is cut at it (``body_content``), so it shows content, never metadata.
META_SEPARATOR = "\x1f"


@dataclass
class Entry:
    """What one object contributes to the index (plain values, no ORM objects)."""

    kind: str
    object_id: int
    title: str
    body: str = ""
    #: Words that describe the entry but are not its content (its type, process, regions,
    #: file names): found like the body, never shown in a snippet.
    meta: str = ""
    #: Human code shown and matched exactly ("PR-GT-01", "AUD-2026-03").
    code: str = ""
    #: Second line of a result ("Versión 02 · Vigente").
    subtitle: str = ""
    #: Facet values (codes, not labels): document type, process code, state, region codes.
    type: str = ""
    process: str = ""
    state: str = ""
    state_label: str = ""
    regions: list[str] = field(default_factory=list)
    #: The date results sort by and the year facet comes from.
    date: date | datetime | None = None
    #: Archived entries (obsolete, withdrawn, disposed) are hidden unless asked for.
    is_archived: bool = False
    #: Visibility tokens; see the module docstring.
    visibility: set[str] = field(default_factory=lambda: {PUBLIC})
    #: Where a result opens: ``{"endpoint": "...", "values": {...}}``.
    link: dict = field(default_factory=dict)
    #: Changes whenever the entry would change (``qms search check`` compares it).
    fingerprint: str = ""

    def __post_init__(self):
        # Text pasted from other programs may come decomposed (NFD: a letter, then its
        # accent); queries are composed (``query.parse``), so both are NFC.
        for name in ("title", "body", "meta", "code", "subtitle"):
            value = getattr(self, name)
            if value:
                setattr(self, name, unicodedata.normalize("NFC", value))

    @property
    def uid(self) -> str:
        return make_uid(self.kind, self.object_id)

    @property
    def indexed_body(self) -> str:
        """Return what is searched as the body: the content, then the metadata."""
        return f"{self.body}\n{META_SEPARATOR}\n{self.meta}" if self.meta else self.body


def body_content(body: str) -> str:
    """Return the content part of an indexed body (what a snippet may show)."""
    return body.partition(META_SEPARATOR)[0]


@dataclass(frozen=True)
class Kind:
    """A searchable kind of object; see the module docstring for each callable."""

    name: str
    label: str
    load: Callable[[object, Sequence[int]], dict[int, Entry]]
    all_ids: Callable[[object], Iterable[int]]
    visible_ids: Callable[[object, object, Sequence[int]], set[int]]
    fallback: Callable[[object, object, str, int, bool], list[Entry]]
    #: ``fingerprints(session) -> dict[id, str]``: what ``Entry.fingerprint`` would be for
    #: every id, cheaply; lets ``qms search check`` find stale entries without loading all.
    fingerprints: Callable[[object], dict[int, str]] | None = None
    #: Plural label for the facet chip ("Documentos").
    plural: str = ""
    #: Labels of the states this kind uses, for facet chips.
    state_labels: dict[str, str] = field(default_factory=dict)
    #: ``facet_labels(session, facet, values) -> dict[value, label]`` for type/process/region.
    facet_labels: Callable[[object, str, list[str]], dict[str, str]] | None = None
    #: ``lookup_code(session, user, codekey) -> link | None``: where a code typed in the
    #: search box jumps (``codekey`` is the code folded to letters and digits).
    lookup_code: Callable[[object, object, str], dict | None] | None = None


_REGISTRY: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    """Register (or replace, on reload) a kind."""
    _REGISTRY[kind.name] = kind


def all_kinds() -> dict[str, Kind]:
    """Return every registered kind (those whose ``indexing`` module has been imported)."""
    return dict(_REGISTRY)


def get_kind(name: str) -> Kind | None:
    return all_kinds().get(name)


def make_uid(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def split_uid(uid: str) -> tuple[str, int]:
    kind, _, ident = uid.partition(":")
    return kind, int(ident)


def process_owner_token(process_id: int) -> str:
    """The token of whoever owns process ``process_id`` now."""
    return f"process-owner:{process_id}"


def user_tokens(user) -> set[str]:
    """Return the visibility tokens ``user`` holds (empty for anonymous users)."""
    import sqlalchemy as sa

    from qms.extensions import db
    from qms.org.models import Process

    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    tokens = {PUBLIC, f"user:{user.id}"}
    tokens.update(f"perm:{p}" for p in user.permissions)
    owned = db.session.scalars(sa.select(Process.id).where(Process.owner_id == user.id))
    tokens.update(process_owner_token(process_id) for process_id in owned)
    return tokens
