"""The registry of object kinds the audit trail shows.

The trail stores ``(object_type, object_id)`` as plain strings and knows no domain
module. Each module that writes entries registers, per object type it writes, an
``ObjectKind`` in ``qms/<module>/trail_objects.py`` (``qms/records/trail_objects.py`` is
a worked example); ``qms.REGISTRATIONS`` imports those files at start-up, so the registry
is complete in every process (web, CLI, tests). A kind gives:

* ``label``: the Spanish name of the type, for the filter select ("Registro");
* ``load(ids) -> {id: object}``: the objects, in one or a few queries; eager-load what
  ``can_view``, ``describe`` and ``link`` touch, so that no row of a page costs a query;
* ``can_view(user, obj)``: the module's own rule, the one its pages apply (a 404
  otherwise). ``ObjectKind.visible_ids`` applies it to a batch of ids;
* ``visible_query(user)``: the same rule in SQL, so the trail filters *before* paging
  and counting: ``True`` (every object of the type), ``False`` (none) or a select of one
  column, the ids the user may see;
* ``describe(obj)``: the object's readable name today; ``link(obj)``: the URL of its page,
  or None;
* for an object with a trail page of its own (a document): ``lookup(key)`` finds it by
  the key in the URL and ``related(obj)`` lists the ``(object_type, id)`` pairs whose
  entries make up that page (the document and its versions).

``open_to(predicate)`` builds ``can_view`` and ``visible_query`` for a type whose objects
are all visible to the same users (the holders of a permission, or everyone).

Visibility is decided twice, as in search: the SQL filter chooses the rows of a page
and the total, then ``can_view`` re-checks the loaded objects, so an entry the module's
rule refuses is never shown even if the two ever disagree (the tests keep them equal).

Entries of an object type nobody registered have no rule to ask: they are shown only to
holders of ``UNREGISTERED_PERMISSION``, the system administrator's, who installs and
configures the modules that write them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import sqlalchemy as sa

from qms.core import permissions as P
from qms.extensions import db

#: Who sees the entries of an object type with no registered kind.
UNREGISTERED_PERMISSION = P.ADMIN_SETTINGS

#: What ``visible_query`` returns: all, none, or a select of the visible ids.
VisibleQuery = bool | sa.Select


@dataclass(frozen=True)
class ObjectKind:
    """How the trail labels, links and authorises one object type; see the module docstring."""

    object_type: str
    label: str
    load: Callable[[Sequence[int]], dict[int, Any]]
    can_view: Callable[[Any, Any], bool]
    visible_query: Callable[[Any], VisibleQuery]
    describe: Callable[[Any], str]
    link: Callable[[Any], str | None]
    lookup: Callable[[str], Any] | None = None
    related: Callable[[Any], list[tuple[str, int]]] | None = None

    def visible_objects(self, user, ids: Iterable[str | int]) -> dict[str, Any]:
        """Return ``{trail id: object}`` for the objects of ``ids`` that ``user`` may see."""
        objects = self.load(numeric_ids(ids))
        return {str(ident): obj for ident, obj in objects.items() if self.can_view(user, obj)}

    def visible_ids(self, user, ids: Iterable[str | int]) -> set[str]:
        """Return the ids (as the trail stores them) of the objects ``user`` may see."""
        return set(self.visible_objects(user, ids))


_REGISTRY: dict[str, ObjectKind] = {}


def register(kind: ObjectKind) -> None:
    """Register (or replace, on reload) the kind of ``kind.object_type``."""
    _REGISTRY[kind.object_type] = kind


def get(object_type: str) -> ObjectKind | None:
    return _REGISTRY.get(object_type)


def registered() -> dict[str, ObjectKind]:
    """Return every registered kind, ordered by label (the order of the filter select)."""
    return dict(sorted(_REGISTRY.items(), key=lambda item: item[1].label))


def loader(model, *options) -> Callable[[Sequence[int]], dict[int, Any]]:
    """Return a ``load`` that fetches ``model`` rows by id in one query, with ``options``."""

    def load(ids: Sequence[int]) -> dict[int, Any]:
        if not ids:
            return {}
        rows = db.session.scalars(sa.select(model).where(model.id.in_(list(ids))).options(*options)).unique()
        return {row.id: row for row in rows}

    return load


def open_to(predicate: Callable[[Any], bool]) -> dict[str, Callable]:
    """Return ``can_view`` and ``visible_query`` for a type whose objects are all visible
    to the users ``predicate`` accepts (use as ``ObjectKind(..., **open_to(...))``)."""
    return {"can_view": lambda user, _obj: predicate(user), "visible_query": predicate}


def holders_of(*permissions: str) -> Callable[[Any], bool]:
    """Return a predicate: the user holds at least one of ``permissions``."""
    return lambda user: any(user.can(p) for p in permissions)


def everyone(_user) -> bool:
    """Every signed-in user (the trail's own views already require one)."""
    return True


def link_to(user, object_type: str, object_id) -> str | None:
    """The address of one object ``user`` may see, or None.

    Other modules link to objects they do not know this way (an action to the finding
    it was raised from), with the owning module's own rule deciding.
    """
    kind = get(object_type)
    if kind is None or user is None:
        return None
    found = kind.visible_objects(user, [object_id])
    return kind.link(next(iter(found.values()))) if found else None


def numeric_ids(ids: Iterable[str | int]) -> list[int]:
    """Return the ids that are integers; any other string names no object."""
    return sorted({int(i) for i in ids if str(i).isdigit()})
