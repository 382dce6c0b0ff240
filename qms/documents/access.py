"""Who may see and do what with a document version: one place, used by views, templates and search."""
from __future__ import annotations

from qms.core import permissions as P

#: States a user without ``document.read_drafts`` may open.
PUBLIC_STATES = frozenset({"effective", "obsolete"})


def can_view_version(user, version) -> bool:
    """Return whether ``user`` may open ``version``.

    Every signed-in member of staff reads effective and obsolete versions; drafts and
    versions in workflow are for those who take part in document control.
    """
    if user is None or not user.is_authenticated:
        return False
    if version.state in PUBLIC_STATES:
        return True
    return user.can(P.DOCUMENT_READ_DRAFTS)


def can_view_document(user, document) -> bool:
    """Return whether ``user`` may open the document's page (some version is visible)."""
    return any(can_view_version(user, v) for v in document.versions)


def is_author(user, version) -> bool:
    """Return whether ``user`` is an author of the version: who created it, or a co-author
    the quality committee added. A draft belongs to them: others may read it, not save it."""
    if user is None or not getattr(user, "id", None):
        return False
    return user.id == version.created_by_id or any(u.id == user.id for u in version.coauthors)


def can_edit_version(user, version) -> bool:
    """Return whether ``user`` may change the draft's content now."""
    from qms.documents.models import EDITABLE_STATES

    return (
        user is not None
        and user.is_authenticated
        and user.can(P.DOCUMENT_DRAFT)
        and version.state in EDITABLE_STATES
        and is_author(user, version)
    )


def why_not_editable(user, version) -> str | None:
    """Return, in Spanish, why ``user`` may not change the draft now (None if they may)."""
    from qms.documents.models import EDITABLE_STATES

    if version.state not in EDITABLE_STATES:
        return f"La versión está «{version.state_label}» y ya no se puede editar."
    if not is_author(user, version):
        owner = version.created_by.full_name if version.created_by else "otra persona"
        return (f"Este borrador pertenece a {owner}: usted puede leerlo, pero no guardarlo ni enviarlo. "
                "El Comité de Calidad puede agregarle como coautor(a).")
    return None
