"""Helpers of the Word-authoring tests: a version's pages and uploading a file to it."""
import io

from qms.extensions import db


def url(version, action):
    return f"/documentos/{version.document.code}/v/{version.number}/{action}"


def upload(client, version, data: bytes):
    """Upload ``data`` as the draft's Word file and follow to the page it leads to."""
    db.session.refresh(version)
    return client.post(url(version, "subir-word"), data={
        "file": (io.BytesIO(data), "borrador.docx"), "lock_version": str(version.lock_version)},
        content_type="multipart/form-data", follow_redirects=True)
