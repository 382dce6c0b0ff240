"""Images an author places in a draft's sections: checked, stored, written as Markdown."""
from __future__ import annotations

from flask import current_app

from qms.docgen import uploads
from qms.docgen.markdown_word import IMAGE_SCHEME
from qms.documents import service
from qms.documents.common import version_label
from qms.documents.markdown import image_keys
from qms.errors import ServiceError
from qms.storage import store
from qms.trail import service as trail


def add_image(actor, version, data: bytes, description: str) -> str:
    """Check and store an uploaded image for ``version``; return the Markdown that places it."""
    service.check_can_write(actor, version)
    description = " ".join((description or "").split())[:200]
    if not description:
        raise ServiceError("Describa la imagen en una frase (se lee en su lugar si no se puede mostrar).",
                           field="image_alt")
    content_type = uploads.validate_image(data, current_app.config["MAX_UPLOAD_MB"])
    stored = store.put(data, content_type)
    trail.record(actor, "version.image_added", "document_version", version.id, version_label(version),
                 {"sha256": stored.sha256, "description": description})
    return f"![{description.replace(']', ')')}]({IMAGE_SCHEME}{stored.sha256})"


def placed_in(version, sha256: str) -> bool:
    """Return whether one of the version's sections places image ``sha256``."""
    return any(sha256 in image_keys(text) for text in (version.sections or {}).values())
