"""The one check of an uploaded file: records, attachments of findings, evidence of actions.

* The type is judged by the content; the client's declared type and the file's name
  decide nothing (an ``.exe`` called ``informe.pdf`` is refused, an HTML page is plain
  text).
* The size is bounded (``MAX_UPLOAD_MB``), and a zip (Office and OpenDocument files) is
  measured while it is decompressed, never by the sizes it declares
  (``qms.storage.archives``).
* The name the client sent is kept only to be shown and offered on download: without
  folders, control or format characters (``../../evil.html`` becomes ``evil.html``).
  Files are stored by their SHA-256, so no name ever reaches the file system.

Word sources and templates get further checks on top of these (``qms.docgen.uploads``).
"""
from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from flask import current_app, has_app_context

from qms.storage.archives import UploadRefused, check_zip_limits

__all__ = ["UploadRefused", "CheckedUpload", "ACCEPTED", "check", "detect", "display_name", "served_type"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
#: What is served when the content is not one of the accepted types (older rows).
UNKNOWN = "application/octet-stream"

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


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted file: its bytes, the name to show and the type the server determined."""

    data: bytes
    filename: str
    content_type: str


def _zip_type(names: set[str], archive: zipfile.ZipFile) -> str | None:
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


def detect(data: bytes, filename: str = "", *, measure: bool = True) -> str | None:
    """Return the content type judged by the bytes, or None when unknown.

    With ``measure`` a zip is first decompressed against the limits (raising
    UploadRefused); without it (a stored file, already measured) only its list of
    parts is read.
    """
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(b"PK\x03\x04"):
        try:
            zipfile.ZipFile(io.BytesIO(data)).close()
        except (zipfile.BadZipFile, ValueError):
            return None  # not an archive at all: an unknown type, not a damaged document
        if measure:
            check_zip_limits(data)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return _zip_type(set(archive.namelist()), archive)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            return None
    return _text_type(data, filename)


def display_name(filename: str, fallback: str = "archivo") -> str:
    """Return the file's base name without path parts, control or format characters (max 255).

    Format characters include the right-to-left override that makes ``exe.pdf`` of
    ``fdp.exe``.
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
                   and ch not in '<>:"|?*')
    name = name.strip(" .")
    return (name or fallback)[-255:]


def _max_mb() -> int:
    return int(current_app.config.get("MAX_UPLOAD_MB", 20)) if has_app_context() else 20


def check(data: bytes, filename: str, *, fallback_name: str = "archivo") -> CheckedUpload:
    """Return the accepted file, or raise UploadRefused (on the ``file`` field) saying why."""
    if not filename or not filename.strip():
        raise UploadRefused("Seleccione un archivo.", field="file")
    name = display_name(filename, fallback_name)
    if not data:
        raise UploadRefused("El archivo está vacío.", field="file")
    max_mb = _max_mb()
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRefused(
            f"El archivo «{name}» supera el tamaño máximo de {max_mb} MB; no se guardó nada.", field="file")
    try:
        content_type = detect(data, name)
    except UploadRefused as refused:
        raise UploadRefused(refused.message, field="file") from None
    if content_type not in ACCEPTED:
        kinds = ", ".join(sorted(set(ACCEPTED.values())))
        raise UploadRefused(
            f"No se reconoce el contenido de «{name}» como un tipo de archivo aceptado ({kinds}).", field="file")
    return CheckedUpload(data=data, filename=name, content_type=content_type)


def served_type(data: bytes, filename: str = "") -> str:
    """The type a stored file is served with: judged again by its bytes, never a stored label."""
    content_type = detect(data, filename, measure=False)
    return content_type if content_type in ACCEPTED else UNKNOWN
