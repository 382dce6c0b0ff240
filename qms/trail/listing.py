"""Pages of trail entries that a user may see, each with its object's label and link.

Filtering happens in SQL before paging (``visible_condition``), so counts and page
numbers cover only what the user may see; then ``TrailPage`` loads the objects of the
page once per object type, re-checks them with the module's own ``can_view`` and takes
their labels and links from the same objects. A page costs two queries (count, rows)
plus one ``load`` (one to three queries) per object type present on it, whatever the
size of the trail.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa

from qms.trail import registry
from qms.trail.models import AuditEntry
from qms.web import Page


@dataclass(frozen=True)
class ObjectRef:
    """How a row shows its object: the type's label, its name today and its page."""

    kind_label: str
    name: str = ""
    url: str | None = None


def visible_condition(user) -> sa.ColumnElement[bool]:
    """Return a condition on ``AuditEntry`` selecting the entries ``user`` may see."""
    if user is None or not getattr(user, "is_authenticated", False):
        return sa.false()
    kinds = registry.registered()
    # The condition is broad (most users see most types), so it must not drive the plan:
    # comparing an expression of the type, not the indexed column, lets the database
    # walk the ``seq`` index newest first and stop at the page instead of collecting and
    # sorting every visible entry. On SQLite with 100k entries the first page then takes
    # milliseconds instead of half a second; PostgreSQL plans it well either way.
    # Explicit filters (an object, an action, a user) keep their indexes.
    object_type = AuditEntry.object_type.concat("")
    whole_types = []
    clauses = []
    for kind in kinds.values():
        rule = kind.visible_query(user)
        if rule is True:
            whole_types.append(kind.object_type)
        elif rule is not False:
            clauses.append(sa.and_(object_type == kind.object_type, AuditEntry.object_id.in_(_as_trail_ids(rule))))
    if whole_types:
        clauses.append(object_type.in_(whole_types))
    if user.can(registry.UNREGISTERED_PERMISSION):
        clauses.append(object_type.not_in(list(kinds)))
    return sa.or_(*clauses) if clauses else sa.false()


def of_objects(pairs: Iterable[tuple[str, int]]) -> sa.ColumnElement[bool]:
    """Return a condition selecting the entries of the ``(object_type, id)`` pairs."""
    ids_by_type: dict[str, list[str]] = defaultdict(list)
    for object_type, ident in pairs:
        ids_by_type[object_type].append(str(ident))
    clauses = [sa.and_(AuditEntry.object_type == object_type, AuditEntry.object_id.in_(ids))
               for object_type, ids in ids_by_type.items()]
    return sa.or_(*clauses) if clauses else sa.false()


def _as_trail_ids(select: sa.Select) -> sa.Select:
    """Turn a select of integer ids into one of strings, as ``AuditEntry.object_id`` holds them."""
    subquery = select.subquery()
    return sa.select(sa.cast(next(iter(subquery.c)), sa.String))


class TrailPage(Page):
    """One page of the entries of ``statement`` that ``user`` may see, newest first.

    The count and the pager cover the filtered statement; ``refs`` maps
    ``(object_type, object_id)`` to an ``ObjectRef`` for every visible object of the page.
    """

    def __init__(self, user, statement: sa.Select, page: int, per_page: int):
        super().__init__(statement.where(visible_condition(user)).order_by(AuditEntry.seq.desc()), page, per_page)
        self.refs = _resolve(user, self.items)
        # The re-check: an entry whose registered object the module's rule refuses is left out.
        self.items = [e for e in self.items
                      if (e.object_type, e.object_id) in self.refs or registry.get(e.object_type) is None]


def _resolve(user, entries) -> dict[tuple[str, str], ObjectRef]:
    """Return a ref for every entry's object that ``user`` may see, one load per type."""
    ids_by_type: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        ids_by_type[entry.object_type].add(entry.object_id)
    refs: dict[tuple[str, str], ObjectRef] = {}
    for object_type, ids in ids_by_type.items():
        kind = registry.get(object_type)
        if kind is None:
            continue
        for ident, obj in kind.visible_objects(user, ids).items():
            refs[(object_type, ident)] = ObjectRef(kind.label, kind.describe(obj), kind.link(obj))
    return refs
