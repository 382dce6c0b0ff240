"""The institution's search glossary: synonyms and acronyms the quality committee keeps.

The only place that changes it (permission ``glossary.manage``, checks, trail). Every
search reads it (``current``) and rewrites its query with it (``qms.search.expansion``),
whichever backend answers. The seed (``glossary_seed``) is reference data: ``qms init``
and the demo load it only into an empty glossary, so an entry the committee deleted is
never brought back.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.core import permissions as P
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.search.analyzer import fold, words
from qms.search.expansion import Glossary
from qms.search.models import GlossaryEntry
from qms.trail import service as trail

MAX_EQUIVALENTS = 20
MAX_EXPRESSION = 200


def entries() -> list[GlossaryEntry]:
    """Return every entry, by term."""
    return list(db.session.scalars(sa.select(GlossaryEntry).order_by(GlossaryEntry.term_key)))


_cache: dict[tuple, Glossary] = {}


def current() -> Glossary:
    """Return the glossary as the queries use it (analysed once per content, per process)."""
    rows = tuple(db.session.execute(sa.select(GlossaryEntry.term, GlossaryEntry.equivalents)
                                    .order_by(GlossaryEntry.id)))
    found = _cache.get(rows)
    if found is None:
        _cache.clear()  # one content at a time: an edit replaces it
        found = _cache[rows] = Glossary([_expressions(term, eq) for term, eq in rows])
    return found


def _expressions(term: str, equivalents: str) -> list[str]:
    return [term, *[line.strip() for line in (equivalents or "").splitlines() if line.strip()]]


def term_key(term: str) -> str:
    return " ".join(fold(term).split())


def _snapshot(entry: GlossaryEntry) -> dict:
    return {"term": entry.term, "equivalents": entry.expressions[1:], "note": entry.note}


def _clean(term: str, equivalents: str, note: str) -> tuple[str, list[str], str]:
    """Return the checked values, or raise ``ServiceError`` naming the field at fault."""
    term = " ".join((term or "").split())
    if not term:
        raise ServiceError("Escriba el término o la sigla.", field="term")
    if len(term) > 120:
        raise ServiceError("El término puede tener hasta 120 caracteres.", field="term")
    if not words(term):
        raise ServiceError(f"«{term}» no tiene palabras que se puedan buscar.", field="term")
    lines = list(dict.fromkeys(" ".join(line.split()) for line in (equivalents or "").splitlines()))
    lines = [line for line in lines if line]
    if not lines:
        raise ServiceError("Escriba al menos un equivalente, uno por línea.", field="equivalents")
    if len(lines) > MAX_EQUIVALENTS:
        raise ServiceError(f"Hasta {MAX_EQUIVALENTS} equivalentes por término.", field="equivalents")
    for line in lines:
        if len(line) > MAX_EXPRESSION:
            raise ServiceError(f"Cada equivalente puede tener hasta {MAX_EXPRESSION} caracteres.",
                               field="equivalents")
        if not words(line):
            raise ServiceError(f"«{line}» no tiene palabras que se puedan buscar.", field="equivalents")
        if words(line) == words(term):
            raise ServiceError(f"«{line}» se busca igual que el término; no hace falta.", field="equivalents")
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ServiceError("La nota puede tener hasta 300 caracteres.", field="note")
    return term, lines, note


def _require(actor) -> None:
    if actor is None or not actor.can(P.GLOSSARY_MANAGE):
        raise PermissionDenied()


def save_entry(actor, entry: GlossaryEntry | None, *, term: str, equivalents: str, note: str = "") -> GlossaryEntry:
    """Create (``entry`` None) or change a glossary entry."""
    _require(actor)
    term, lines, note = _clean(term, equivalents, note)
    key = term_key(term)
    clash = db.session.scalar(sa.select(GlossaryEntry.id).where(GlossaryEntry.term_key == key))
    if clash is not None and (entry is None or clash != entry.id):
        raise ServiceError("Ese término ya está en el glosario.", field="term")
    creating = entry is None
    before = {} if creating else _snapshot(entry)
    if creating:
        entry = GlossaryEntry()
        db.session.add(entry)
    entry.term, entry.term_key, entry.equivalents, entry.note = term, key, "\n".join(lines), note
    db.session.flush()
    trail.record(actor, "glossary.created" if creating else "glossary.updated", "glossary_entry", entry.id,
                 entry.term, trail.changes(before, _snapshot(entry)))
    return entry


def delete_entry(actor, entry: GlossaryEntry) -> None:
    """Remove an entry; searches stop using it at once."""
    _require(actor)
    trail.record(actor, "glossary.deleted", "glossary_entry", entry.id, entry.term, _snapshot(entry))
    db.session.delete(entry)
    db.session.flush()


def seed(rows: list[tuple[str, list[str], str]]) -> int:
    """Load ``rows`` (term, equivalents, note) into an empty glossary; return how many."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(GlossaryEntry)):
        return 0
    added = 0
    seen = set()
    for term, equivalents, note in rows:
        key = term_key(term)
        if key in seen:
            continue
        seen.add(key)
        db.session.add(GlossaryEntry(term=term, term_key=key, equivalents="\n".join(equivalents), note=note))
        added += 1
    db.session.flush()
    return added
