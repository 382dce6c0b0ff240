"""A search kind for a plain object with a code, a title and a state.

Audits, actions and nonconforming outputs are indexed alike: one entry per object, a
permission check by the module's ``can_view``, a fallback that matches the indexed text
columns (title, code and ``text_columns``) blind to accents and case,
and a jump by code. A module describes only how one object becomes an ``Entry``.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.search.folded_sql import any_contains
from qms.search.kinds import Kind, register_kind


def register_simple_kind(name: str, label: str, plural: str, model, to_entry, can_view, states: dict,
                         title_column=None, archived_state: str = "closed", type_labels: dict | None = None,
                         text_columns=()) -> None:
    """Register kind ``name`` for ``model`` (an ORM class with ``id``, ``code`` and ``state``).

    ``type_labels`` names the values of the "type" facet (``service`` → «Servicio»), so the
    chips speak Spanish rather than show the stored keys. ``text_columns`` are the columns
    the entry's body is made of, so the database fallback searches what the index does.
    """
    title = title_column if title_column is not None else model.title

    def load(session, ids):
        return {o.id: to_entry(o) for o in session.scalars(sa.select(model).where(model.id.in_(list(ids))))}

    def all_ids(session):
        return session.scalars(sa.select(model.id).order_by(model.id)).all()

    def visible_ids(session, user, ids):
        return {o.id for o in session.scalars(sa.select(model).where(model.id.in_(list(ids)))) if can_view(user, o)}

    def fallback(session, user, text, limit, include_archived=False):
        query = sa.select(model)
        for word in (text or "").split()[:8]:
            query = query.where(any_contains((title, model.code, *text_columns), word))
        if not include_archived:
            query = query.where(model.state != archived_state)
        return [to_entry(o) for o in session.scalars(query.order_by(model.id.desc()).limit(limit)) if can_view(user, o)]

    def lookup_code(session, user, key):
        compact = sa.func.upper(sa.func.replace(model.code, "-", ""))
        obj = session.scalars(sa.select(model).where(compact == key.upper())).first()
        if obj is None or not can_view(user, obj):
            return None
        return to_entry(obj).link

    def facet_labels(_session, facet, values):
        if facet != "type" or not type_labels:
            return {}
        return {v: type_labels[v] for v in values if v in type_labels}

    register_kind(Kind(name=name, label=label, plural=plural, load=load, all_ids=all_ids, visible_ids=visible_ids,
                       fallback=fallback, state_labels=dict(states), lookup_code=lookup_code,
                       facet_labels=facet_labels if type_labels else None))
