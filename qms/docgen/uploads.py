"""Check uploaded files by their content before anything else opens them.

A ``.docx`` must be a zip holding ``[Content_Types].xml`` and ``word/document.xml``; a PDF
starts with ``%PDF-``. The zip's central directory is checked against limits (entries,
declared size, compression ratio) before python-docx reads a byte of it, and every XML
part is parsed once with defusedxml, which refuses DTDs and entities.
"""
from __future__ import annotations

import io
import zipfile

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qms.errors import ServiceError

MAX_ENTRIES = 1000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
#: Entries smaller than this are not ratio-checked one by one: tiny XML parts can
#: legitimately compress very well; the whole archive's ratio still applies.
RATIO_CHECK_MIN_SIZE = 1024 * 1024
REQUIRED_DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")

KIND_LABELS = {"docx": "documento Word (.docx)", "pdf": "PDF"}


class UploadRejected(ServiceError):
    """An uploaded file was refused; the message says why, in Spanish."""


def sniff(data: bytes) -> str | None:
    """Return ``docx``, ``pdf`` or None, judging by the content only."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if all(part in names for part in REQUIRED_DOCX_PARTS):
            return "docx"
    return None


def check_zip_limits(data: bytes) -> None:
    """Refuse an archive that would expand too much, before anything decompresses it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadRejected("El archivo está dañado: no es un documento Word legible.") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UploadRejected(f"El documento contiene demasiados elementos internos ({len(entries)}; máximo {MAX_ENTRIES}).")
        total = sum(entry.file_size for entry in entries)
        if total > MAX_UNCOMPRESSED:
            raise UploadRejected("El documento ocupa demasiado al descomprimirse (máximo 100 MB).")
        compressed = sum(entry.compress_size for entry in entries) or 1
        if total / compressed > MAX_RATIO or any(_ratio_too_high(entry) for entry in entries):
            raise UploadRejected("El documento tiene una compresión anómala y fue rechazado por seguridad.")


def _ratio_too_high(entry: zipfile.ZipInfo) -> bool:
    return entry.file_size >= RATIO_CHECK_MIN_SIZE and entry.file_size / max(entry.compress_size, 1) > MAX_RATIO


def check_xml_parts(data: bytes) -> None:
    """Parse every XML part with defusedxml: no DTD, no entity, well-formed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            try:
                fromstring(archive.read(entry), forbid_dtd=True)
            except DefusedXmlException:
                raise UploadRejected("El documento contiene declaraciones XML no permitidas (DTD o entidades).") from None
            except (ParseError, zipfile.BadZipFile, ValueError):
                raise UploadRejected(f"El documento está dañado ({entry.filename}).") from None


def validate_upload(data: bytes, max_mb: int, allowed: tuple[str, ...] = ("docx",)) -> str:
    """Return the file's kind if it is acceptable, else raise UploadRejected."""
    if not data:
        raise UploadRejected("El archivo está vacío.")
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRejected(f"El archivo supera el tamaño máximo de {max_mb} MB.")
    kind = "pdf" if data.startswith(b"%PDF-") else _sniff_zip(data)
    if kind not in allowed:
        expected = " o ".join(KIND_LABELS[k] for k in allowed)
        raise UploadRejected(f"El contenido del archivo no corresponde a un {expected}.")
    if kind == "docx":
        check_xml_parts(data)
    return kind


def _sniff_zip(data: bytes) -> str | None:
    """Check the zip limits first, then whether it is a Word document."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    check_zip_limits(data)
    return sniff(data)
