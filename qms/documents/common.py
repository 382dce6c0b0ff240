"""Small helpers shared by the documents services."""
from __future__ import annotations

from qms.errors import PermissionDenied

#: The search kind under which document versions are indexed.
SEARCH_KIND = "document"


def require(actor, permission: str) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``permission``."""
    if actor is None or not actor.can(permission):
        raise PermissionDenied()


def version_label(version) -> str:
    """Return ``PR-GT-01 v02``, the label used in the trail."""
    return f"{version.document.code} v{version.number:02d}"
