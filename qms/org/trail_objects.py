"""How the audit trail shows processes and the institution (see ``qms/trail/registry.py``).

Neither is restricted: every signed-in user opens the process map, and the institution's
name and logo are on every page and every generated document.
"""
from __future__ import annotations

from flask import url_for

from qms.org.models import Institution, Process
from qms.trail.registry import ObjectKind, everyone, loader, open_to, register
from qms.trail.wording import register_actions

register(ObjectKind(
    object_type="process", label="Proceso", load=loader(Process), **open_to(everyone),
    describe=lambda process: f"{process.code} · {process.name}",
    link=lambda process: url_for("org.edit", process_id=process.id),
))

register(ObjectKind(
    object_type="institution", label="Institución", load=loader(Institution), **open_to(everyone),
    describe=lambda institution: institution.name,
    link=lambda _institution: url_for("org.institution"),
))

register_actions({
    "process.created": "Proceso creado",
    "process.updated": "Proceso modificado",
    "institution.updated": "Datos de la institución modificados",
})
