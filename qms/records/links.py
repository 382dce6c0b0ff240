"""The objects a record may be linked to: found through search, checked through the trail registry.

A link names an object of another module by kind and id. The picker on the record page
asks :func:`candidates` (the search index, so it finds what the user may open); the
service asks :func:`resolve`, which loads the object through the owning module's
registered kind and its own ``can_view`` rule, so an id that names nothing, or something
the user may not see, is refused whatever the browser sent.
"""
from __future__ import annotations

from qms.audits import queries as audits
from qms.errors import ServiceError
from qms.records.models import LINK_KINDS
from qms.search.service import SearchRequest, search
from qms.trail import registry

#: How many suggestions the picker shows.
LIMIT = 10


def resolve(user, kind: str, object_id: int | None, typed: str = ""):
    """Return ``(object_id, label)`` of the object ``user`` links, or refuse with a Spanish message.

    Without an id (a browser without scripts), ``typed`` may be the object's code.
    """
    if kind not in LINK_KINDS:
        raise ServiceError("Tipo de vínculo desconocido.", field="kind")
    registered = registry.get(kind)
    if registered is None:
        raise ServiceError(f"Los vínculos a «{LINK_KINDS[kind]}» todavía no pueden verificarse; "
                           "use otro tipo de objeto.", field="kind")
    if object_id is None and typed:
        object_id = _by_code(user, kind, typed)
    found = registered.visible_objects(user, [object_id]) if object_id else {}
    if not found:
        raise ServiceError(f"No existe ese objeto de tipo «{LINK_KINDS[kind].lower()}» o no tiene acceso a él; "
                           "elíjalo de la lista de resultados.", field="object_id")
    obj = next(iter(found.values()))
    return int(object_id), registered.describe(obj)


def _by_code(user, kind: str, typed: str) -> int | None:
    code = typed.split("·")[0].strip()
    matches = [c for c in candidates(user, kind, code) if c["label"].split(" · ")[0].lower() == code.lower()]
    return matches[0]["id"] if len(matches) == 1 else None


def candidates(user, kind: str, text: str) -> list[dict]:
    """Up to :data:`LIMIT` objects of ``kind`` matching ``text`` that ``user`` may open: ``{id, label}``."""
    text = (text or "").strip()[:100]
    if kind not in LINK_KINDS or len(text) < 2:
        return []
    search_kind = "audit" if kind == "finding" else kind
    result = search(user, SearchRequest(text=text, per_page=LIMIT, filters={"kind": [search_kind]},
                                        include_archived=True))
    if kind == "finding":
        rows = audits.findings_of([h.object_id for h in result.hits])
        registered = registry.get("finding")
        visible = registered.visible_ids(user, [i for i, _ in rows]) if registered else set()
        return [{"id": i, "label": label} for i, label in rows if str(i) in visible][:LIMIT]
    return [{"id": h.object_id, "label": f"{h.code} · {h.title.striptags()}"} for h in result.hits]
