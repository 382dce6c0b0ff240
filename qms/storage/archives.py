"""Measure a zip archive by decompressing it, never by the sizes it declares.

A 1 MB file may declare 50 KB and expand to gigabytes: every part is read in chunks,
counted, and the reading stops as soon as a limit is passed. Entries, expanded bytes and
the compression ratio are bounded so that each later step (defusedxml, python-docx,
docxtpl, LibreOffice, a reader's office suite) stays within a few seconds and well under
300 MB of memory. Every upload that is a zip passes here first (``qms.storage.uploads``),
and so does every Word file (``qms.docgen.uploads``).

The limits may be lowered (or raised) by configuration: ``UPLOAD_MAX_ENTRIES``,
``UPLOAD_MAX_UNCOMPRESSED_MB`` and ``UPLOAD_MAX_RATIO``.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from flask import current_app, has_app_context

from qms.errors import ServiceError

#: Parts a package may hold (a long Word document has a few dozen; images add one each).
MAX_ENTRIES = 1000
#: Bytes all parts may expand to, measured while decompressing.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
#: Entries smaller than this are not ratio-checked one by one: tiny XML parts can
#: legitimately compress very well; the whole archive's ratio still applies.
RATIO_CHECK_MIN_SIZE = 1024 * 1024
#: Bytes decompressed at a time while measuring.
CHUNK = 1024 * 1024


class UploadRefused(ServiceError):
    """An uploaded file was refused; the message says why, in Spanish."""


@dataclass(frozen=True)
class Limits:
    entries: int
    uncompressed: int
    ratio: float


def limits() -> Limits:
    """The limits in force: the configuration's, else the defaults above."""
    config = current_app.config if has_app_context() else {}
    uncompressed_mb = config.get("UPLOAD_MAX_UNCOMPRESSED_MB")
    return Limits(
        entries=int(config.get("UPLOAD_MAX_ENTRIES") or MAX_ENTRIES),
        uncompressed=int(float(uncompressed_mb) * 1024 * 1024) if uncompressed_mb else MAX_UNCOMPRESSED,
        ratio=float(config.get("UPLOAD_MAX_RATIO") or MAX_RATIO))


@dataclass
class Package:
    """A zip measured part by part: name -> expanded bytes (only what passed every limit)."""

    parts: dict[str, bytes] = field(default_factory=dict)

    @property
    def names(self) -> set[str]:
        return set(self.parts)


def damaged(name: str = "") -> UploadRefused:
    where = f" ({name})" if name else ""
    return UploadRefused(f"El archivo está dañado{where}: no es un documento legible. Guárdelo de nuevo e intente otra vez.")


def _too_big(limit: int) -> UploadRefused:
    return UploadRefused(f"El archivo ocupa demasiado al descomprimirse (máximo {limit / 2**20:g} MB); no se guardó nada.")


def _anomalous() -> UploadRefused:
    return UploadRefused("El archivo tiene una compresión anómala y fue rechazado por seguridad.")


def read_package(data: bytes, keep=lambda _name: True) -> Package:
    """Decompress every part, measuring as it goes; return the parts ``keep`` asks for.

    Raises UploadRefused at the first limit passed, before reading any further.
    """
    bounds = limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UploadRefused("El archivo está dañado: no es un documento legible.") from None
    package = Package()
    with archive:
        entries = archive.infolist()
        if len(entries) > bounds.entries:
            raise UploadRefused(
                f"El archivo contiene demasiados elementos internos ({len(entries)}; máximo {bounds.entries}).")
        total = 0
        for entry in entries:
            if entry.is_dir():
                continue
            size, body = _expand(archive, entry, bounds.uncompressed - total, keep(entry.filename), bounds.uncompressed)
            total += size
            if size >= RATIO_CHECK_MIN_SIZE and size / max(entry.compress_size, 1) > bounds.ratio:
                raise _anomalous()
            if body is not None:
                package.parts[entry.filename] = body
        compressed = sum(entry.compress_size for entry in entries) or 1
        if total / compressed > bounds.ratio:
            raise _anomalous()
    return package


def _expand(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, room: int, keep: bool,
            limit: int) -> tuple[int, bytes | None]:
    """Return (expanded size, bytes if kept) of one entry, stopping once ``room`` is passed."""
    chunks, size = [], 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > room:
                    raise _too_big(limit)
                if keep:
                    chunks.append(chunk)
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        # A wrong CRC (sizes that lie), an unknown method, an encrypted entry.
        raise damaged(entry.filename) from None
    return size, b"".join(chunks) if keep else None


def check_zip_limits(data: bytes) -> None:
    """Refuse an archive that expands too much, measured while decompressing (keeps nothing)."""
    read_package(data, keep=lambda _name: False)
