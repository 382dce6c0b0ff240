"""Serve a stored file: the one way files leave the store for a browser.

Every file is served as an attachment, with the type the server determines from its
bytes (never the client's label stored with an older upload), ``nosniff`` so that no
browser second-guesses it, never cached, under its sanitized name; and every download is
written to the trail, like documents and records.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from flask import abort, current_app, send_file

from qms.extensions import db
from qms.storage import store, uploads
from qms.trail import service as trail
from qms.trail.wording import register_actions

register_actions({"storage.download_failed": "Descarga fallida: archivo ausente o alterado",
                  "storage.gc": "Limpieza del almacén de archivos"})


@dataclass(frozen=True)
class DownloadEntry:
    """The trail entry a download writes: on which object, under which action."""

    action: str
    object_type: str
    object_id: int | str
    label: str
    details: dict = field(default_factory=dict)


def attachment(data: bytes, filename: str):
    """Return the response for bytes already read (and trailed) by a service."""
    name = uploads.display_name(filename)
    response = send_file(io.BytesIO(data), mimetype=uploads.served_type(data, name), as_attachment=True,
                         download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def send_stored(actor, sha256: str, filename: str, entry: DownloadEntry):
    """Send the stored bytes of ``sha256`` and trail it as ``entry``; 404 when missing or altered.

    A missing or altered file is trailed too (``storage.download_failed``), so that the
    damage is on record where the object's history is read.
    """
    try:
        data = store.read(sha256)
    except store.StorageError as error:
        current_app.logger.error("%s %s: %s", entry.object_type, entry.object_id, error)
        trail.record(actor, "storage.download_failed", entry.object_type, entry.object_id, entry.label,
                     {**entry.details, "sha256": sha256, "error": str(error)})
        db.session.commit()
        abort(404)
    trail.record(actor, entry.action, entry.object_type, entry.object_id, entry.label,
                 {**entry.details, "filename": uploads.display_name(filename), "sha256": sha256})
    db.session.commit()
    return attachment(data, filename)
