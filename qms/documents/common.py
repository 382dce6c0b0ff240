"""Small helpers shared by the documents services."""
from __future__ import annotations

from qms.core.checks import require  # noqa: F401  (the documents services import it from here)

#: The search kind under which document versions are indexed.
SEARCH_KIND = "document"



def version_label(version) -> str:
    """Return ``PR-GT-01 v02``, the label used in the trail."""
    return f"{version.document.code} v{version.number:02d}"
