"""Load reference data, default roles and the first search glossary; safe to run any number of times.

It sits with the app shell because it fills every module's tables (regions and
clauses of org, roles of auth, document types, default record types); ``qms init``,
the demo and the tests call it.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.auth.models import Role
from qms.core.permissions import DEFAULT_ROLES
from qms.documents.models import DefaultDistribution, DocumentType
from qms.extensions import db
from qms.org import reference
from qms.records import service as records
from qms.search import glossary, glossary_seed
from qms.org.models import Institution, IsoClause, PmgSystem, Region


def _upsert(model, key: str, rows: list[dict]) -> int:
    """Insert the rows whose key is missing; update reference names of existing ones."""
    existing = {getattr(obj, key): obj for obj in db.session.scalars(sa.select(model))}
    added = 0
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            db.session.add(model(**row))
            added += 1
        else:
            for name, value in row.items():
                setattr(obj, name, value)
    return added


def load_reference_data() -> dict[str, int]:
    """Insert what is missing; never touches what an administrator may have changed
    (roles' permissions, document types' patterns and templates)."""
    counts = {
        "regions": _upsert(Region, "code", [
            {"code": c, "name": n, "position": i} for i, (c, n) in enumerate(reference.REGIONS)]),
        "pmg_systems": _upsert(PmgSystem, "code", [{"code": c, "name": n} for c, n in reference.PMG_SYSTEMS]),
        "iso_clauses": _upsert(IsoClause, "number", [
            {"number": c, "title": t, "position": i} for i, (c, t) in enumerate(reference.ISO_CLAUSES)]),
    }
    types = {t.code for t in db.session.scalars(sa.select(DocumentType))}
    counts["document_types"] = 0
    new_types = []
    for spec in reference.DOCUMENT_TYPES:
        if spec["code"] not in types:
            new_types.append(DocumentType(**spec))
            db.session.add(new_types[-1])
            counts["document_types"] += 1
    roles = {r.name for r in db.session.scalars(sa.select(Role))}
    counts["roles"] = 0
    for name, (label, permissions) in DEFAULT_ROLES.items():
        if name not in roles:
            db.session.add(Role(name=name, label=label, permissions=sorted(permissions)))
            counts["roles"] += 1
    db.session.flush()
    # Every staff member reads what is in force, unless the committee narrows a type's list.
    staff = db.session.scalar(sa.select(Role).where(Role.name == "staff"))
    if staff is not None:
        db.session.add_all(DefaultDistribution(type_id=t.id, role_id=staff.id) for t in new_types)
    counts["record_types"] = records.load_default_record_types()
    # The search glossary is seeded once, into an empty table: afterwards it is the
    # committee's, and an entry they deleted stays deleted.
    counts["glossary"] = glossary.seed(glossary_seed.rows(reference.PMG_SYSTEMS))
    if db.session.scalar(sa.select(Institution.id)) is None:
        db.session.add(Institution(id=1, name="Institución sin nombre"))
    db.session.flush()
    return counts
