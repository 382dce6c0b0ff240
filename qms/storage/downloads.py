"""Serve a stored file as an attachment, verified on read."""
from __future__ import annotations

import io

from flask import abort, send_file

from qms.storage import store


def send_stored(sha256: str, filename: str, content_type: str):
    """Send the stored bytes of ``sha256``; 404 when missing or altered."""
    try:
        data = store.read(sha256)
    except store.StorageError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=filename)
