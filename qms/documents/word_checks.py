"""What a Word-authored draft holds outside control, read from its stored file."""
from __future__ import annotations

from qms.docgen.uncontrolled import Uncontrolled, inspect_bytes
from qms.storage import store


def uncontrolled_of(version) -> Uncontrolled | None:
    """Return the uncontrolled content of a Word-authored version's file (None otherwise)."""
    if version.authoring_mode != "word" or not version.source_sha256:
        return None
    try:
        return inspect_bytes(store.read(version.source_sha256))
    except store.StorageError:
        return None


def summary(found: Uncontrolled | None) -> list[str]:
    """Return Spanish lines saying what was found and what happens to it."""
    lines = []
    if found is None:
        return lines
    if found.tracked_changes:
        lines.append(f"{found.tracked_changes} cambio(s) con control de cambios sin aceptar o rechazar: acéptelos o "
                     "rechácelos en Word (Revisar > Aceptar/Rechazar) y suba el archivo de nuevo; mientras tanto la "
                     "versión no puede enviarse a revisión.")
    if found.comments:
        lines.append(f"{found.comments} comentario(s): se quitan de la copia oficial.")
    for kind, target in found.external:
        lines.append(f"{kind.capitalize()} externo(a) «{target}»: se quita de la copia oficial.")
    return lines
