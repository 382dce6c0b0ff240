"""The files of an import: a folder on the server (the CLI) or an uploaded .zip (the wizard).

Both answer ``read(relative_path)`` with the file's bytes, or raise UploadRefused with a
Spanish reason. A path that climbs out of the folder (``../``, an absolute path, a drive
letter) is refused before anything is opened; a file over ``MAX_UPLOAD_MB`` is refused by
its size. A zip is measured whole while it is decompressed (``archives.read_package``), so
a zip bomb is refused before any row is looked at.
"""
from __future__ import annotations

import posixpath
from pathlib import Path

from flask import current_app, has_app_context

from qms.storage.archives import UploadRefused, read_package


def _max_bytes() -> int:
    mb = int(current_app.config.get("MAX_UPLOAD_MB", 20)) if has_app_context() else 20
    return mb * 1024 * 1024


def clean_relative(path: str) -> str:
    """Return ``path`` as a clean relative POSIX path; raise UploadRefused if it leaves the folder."""
    raw = (path or "").strip().replace("\\", "/")
    if not raw:
        raise UploadRefused("Falta el nombre del archivo (columna «archivo»).")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise UploadRefused(f"La ruta «{raw}» es absoluta: indique la ruta dentro de la carpeta.")
    normal = posixpath.normpath(raw)
    if normal == ".." or normal.startswith("../"):
        raise UploadRefused(f"La ruta «{raw}» sale de la carpeta de la importación.")
    return normal


def _check_size(name: str, size: int) -> None:
    limit = _max_bytes()
    if size > limit:
        raise UploadRefused(f"El archivo «{name}» supera el tamaño máximo de {limit // 2**20} MB.")


class FolderBundle:
    """The files under a folder of the server."""

    def __init__(self, folder: str | Path):
        self.root = Path(folder).resolve()
        if not self.root.is_dir():
            raise UploadRefused(f"La carpeta «{folder}» no existe.")

    def read(self, path: str) -> bytes:
        name = clean_relative(path)
        target = (self.root / name).resolve()
        if not target.is_relative_to(self.root):
            raise UploadRefused(f"La ruta «{path}» sale de la carpeta de la importación.")
        if not target.is_file():
            raise UploadRefused(f"No se encuentra el archivo «{name}» en la carpeta.")
        _check_size(name, target.stat().st_size)
        return target.read_bytes()


class ZipBundle:
    """The files of an uploaded .zip, measured once and kept in memory (the wizard's size limit bounds it)."""

    def __init__(self, data: bytes):
        package = read_package(data)
        self.parts: dict[str, bytes] = {}
        for name, body in package.parts.items():
            clean = clean_relative(name)  # an entry named ../x refuses the whole zip
            self.parts[clean] = body

    def read(self, path: str) -> bytes:
        name = clean_relative(path)
        if name not in self.parts:
            raise UploadRefused(f"No se encuentra el archivo «{name}» en el .zip.")
        _check_size(name, len(self.parts[name]))
        return self.parts[name]
