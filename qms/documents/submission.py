"""What a version must hold before its author signs it and sends it to review.

One function, called by the ``submit`` transition, so every rule that stops a submission
is in one place and says, in Spanish, what is missing.
"""
from __future__ import annotations

from qms.errors import ServiceError


def check_submittable(version) -> None:
    """Raise ServiceError when ``version`` may not be sent to review yet."""
    if version.authoring_mode == "browser" and not any((version.sections or {}).values()):
        raise ServiceError("La versión no tiene contenido: complete al menos una sección antes de enviarla.")
    if version.number >= 2 and not (version.change_description or "").strip():
        raise ServiceError(
            "Desde la versión 02 la descripción del cambio es obligatoria: indique en el borrador qué cambió "
            "y por qué antes de enviarlo a revisión.", field="change_description")
