"""How the audit trail shows glossary entries (see ``qms/trail/registry.py``).

The glossary changes what everyone's searches find, so its history is open to every
signed-in user who may read the trail.
"""
from __future__ import annotations

from flask import url_for

from qms.search.models import GlossaryEntry
from qms.trail.registry import ObjectKind, everyone, loader, open_to, register
from qms.trail.wording import register_actions

register(ObjectKind(
    object_type="glossary_entry", label="Término del glosario", load=loader(GlossaryEntry), **open_to(everyone),
    describe=lambda entry: entry.term,
    link=lambda entry: url_for("glossary.edit", entry_id=entry.id),
))

register_actions({
    "glossary.created": "Término agregado al glosario",
    "glossary.updated": "Término del glosario modificado",
    "glossary.deleted": "Término quitado del glosario",
})
