"""How the audit trail shows Word template versions (see ``qms/trail/registry.py``).

Templates are managed and seen on the template administration screens only, so their
entries are for ``admin.templates``.
"""
from __future__ import annotations

from flask import url_for

from qms.core import permissions as P
from qms.docgen.models import TemplateVersion
from qms.trail.registry import ObjectKind, holders_of, loader, open_to, register

register(ObjectKind(
    object_type="template", label="Plantilla Word", load=loader(TemplateVersion),
    **open_to(holders_of(P.ADMIN_TEMPLATES)),
    describe=lambda version: version.label,
    link=lambda version: url_for("docgen.template_detail", name=version.name),
))
