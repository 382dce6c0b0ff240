"""What a version must hold before its author signs it and sends it to review.

One function, called by the ``submit`` transition, so every rule that stops a submission
is in one place and says, in Spanish, what is missing.
"""
from __future__ import annotations

from qms.errors import ServiceError


def check_submittable(version, actor=None) -> None:
    """Raise ServiceError when ``version`` may not be sent to review (by ``actor``) yet."""
    if actor is not None:
        from qms.documents.service import refuse_if_not_author

        refuse_if_not_author(actor, version)
    if version.authoring_mode == "browser" and not any((version.sections or {}).values()):
        raise ServiceError("La versión no tiene contenido: complete al menos una sección antes de enviarla.")
    if version.number >= 2 and not (version.change_description or "").strip():
        raise ServiceError(
            "Desde la versión 02 la descripción del cambio es obligatoria: indique en el borrador qué cambió "
            "y por qué antes de enviarlo a revisión.", field="change_description")
    if version.authoring_mode == "word":
        _check_word_sections(version)


def _check_word_sections(version) -> None:
    """Refuse a Word file that lacks required sections of its type, naming them."""
    from qms.documents.word_checks import uncontrolled_of
    from qms.documents.word_sections import match_version, section_label

    found = match_version(version)
    if found is None:
        raise ServiceError("El archivo Word de este borrador no se puede leer; súbalo de nuevo antes de enviarlo.")
    uncontrolled = uncontrolled_of(version)
    if uncontrolled is not None and uncontrolled.tracked_changes:
        raise ServiceError(
            f"El archivo Word tiene {uncontrolled.tracked_changes} cambio(s) con control de cambios sin resolver. "
            "Acéptelos o rechácelos en Word (Revisar > Aceptar/Rechazar), suba el archivo de nuevo y envíelo entonces.")
    if found.missing_required:
        names = "; ".join(section_label(s) for s in found.missing_required)
        raise ServiceError(f"El archivo Word no tiene todas las secciones del tipo de documento. Faltan: {names}. "
                           "Agréguelas como títulos (estilo Título 1) y suba el archivo de nuevo.")
