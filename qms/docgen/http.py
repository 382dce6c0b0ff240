"""Send a generated or stored Word file to the browser."""
from __future__ import annotations

import io

from flask import send_file

from qms.docgen.templates import DOCX_TYPE


def send_docx(data: bytes, filename: str):
    """Return a download response for ``data``; never cached, files may be restricted."""
    response = send_file(io.BytesIO(data), mimetype=DOCX_TYPE, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
