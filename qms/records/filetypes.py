"""Recognise an uploaded record file by its content, and refuse what is not acceptable.

The client's declared type is never trusted. Office files (zip) are checked against the
zip-bomb limits before anything opens them.
"""
from __future__ import annotations

import io
import zipfile

from qms.errors import ServiceError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

#: Content type -> label shown when refusing.
ACCEPTED = {
    "application/pdf": "PDF",
    DOCX: "Word (.docx)",
    XLSX: "Excel (.xlsx)",
    PPTX: "PowerPoint (.pptx)",
    ODT: "OpenDocument texto (.odt)",
    ODS: "OpenDocument hoja de cálculo (.ods)",
    "image/png": "imagen PNG",
    "image/jpeg": "imagen JPEG",
    "text/plain": "texto",
    "text/csv": "CSV",
}

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class UploadRefused(ServiceError):
    """An uploaded file was refused; the message says why."""


def _zip_type(data: bytes) -> str | None:
    from qms.docgen.uploads import UploadRejected, check_zip_limits

    zipfile.ZipFile(io.BytesIO(data)).close()  # BadZipFile: not an archive at all
    try:
        check_zip_limits(data)
    except UploadRejected as refused:
        raise UploadRefused(refused.message, field="file") from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
            return mimetype if mimetype in (ODT, ODS) else None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, content_type in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
        if any(name.startswith(prefix) for name in names):
            return content_type
    return None


def _text_type(data: bytes, filename: str) -> str | None:
    if b"\x00" in data[:8192]:
        return None
    try:
        data[:65536].decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut in the middle of a multi-byte character at the sample's end is fine.
        if error.start < 65530:
            return None
    return "text/csv" if filename.lower().endswith(".csv") else "text/plain"


def detect(data: bytes, filename: str = "") -> str | None:
    """Return the content type judged by the bytes, or None when unknown."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(b"PK\x03\x04"):
        try:
            return _zip_type(data)
        except zipfile.BadZipFile:
            return None
    return _text_type(data, filename)


def check_upload(data: bytes, filename: str, max_mb: int) -> str:
    """Return the detected content type of an acceptable file, else raise UploadRefused."""
    if not filename or not filename.strip():
        raise UploadRefused("Seleccione un archivo.", field="file")
    if not data:
        raise UploadRefused("El archivo está vacío.", field="file")
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRefused(
            f"El archivo «{filename}» supera el tamaño máximo de {max_mb} MB; no se guardó nada.", field="file")
    content_type = detect(data, filename)
    if content_type not in ACCEPTED:
        kinds = ", ".join(sorted(set(ACCEPTED.values())))
        raise UploadRefused(
            f"No se reconoce el contenido de «{filename}» como un tipo de archivo aceptado ({kinds}).", field="file")
    return content_type


def safe_filename(filename: str) -> str:
    """Return the file's base name without path parts or control characters (max 255)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ord(ch) >= 32 and ch not in '<>:"|?*').strip(" .")
    return (name or "archivo")[-255:]
