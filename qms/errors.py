"""Errors raised by services, with messages in Spanish for the user."""
from __future__ import annotations


class ServiceError(Exception):
    """A refused operation; ``message`` is shown to the user as is."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        #: The form field the message belongs to, when there is one.
        self.field = field


class PermissionDenied(ServiceError):
    status_code = 403

    def __init__(self, message: str = "No tiene permiso para realizar esta acción."):
        super().__init__(message)


class NotFound(ServiceError):
    status_code = 404

    def __init__(self, message: str = "No se encontró lo solicitado."):
        super().__init__(message)


class ConflictError(ServiceError):
    """Someone else changed the object since the user loaded it."""

    status_code = 409
