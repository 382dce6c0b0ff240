"""The wizard's uploads between the dry run and the confirmation: kept in the instance folder.

The dry run writes nothing to the database; the uploaded .zip and sheet wait under
``INSTANCE_PATH/imports/<token>/`` so that the committee confirms exactly what it saw
without uploading again. The token is random and checked by its shape before any path
is built from it.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from qms.errors import NotFound

_TOKEN = re.compile(r"[0-9a-f]{32}")
#: Days a staged import waits for its confirmation (and its summary stays readable).
KEEP_DAYS = 7
SHEET_NAMES = {"csv": "metadatos.csv", "xlsx": "metadatos.xlsx"}


@dataclass
class Staged:
    token: str
    folder: Path

    @property
    def zip_data(self) -> bytes:
        return (self.folder / "archivos.zip").read_bytes()

    @property
    def sheet_path(self) -> Path:
        return next(self.folder / name for name in SHEET_NAMES.values() if (self.folder / name).exists())

    def add_progress(self, imported: list[str], versions: int) -> dict:
        """Add a slice's documents to what the earlier slices imported; return the total so far."""
        path = self.folder / "avance.json"
        done = json.loads(path.read_text()) if path.exists() else {"imported": [], "versions": 0}
        done = {"imported": done["imported"] + imported, "versions": done["versions"] + versions}
        path.write_text(json.dumps(done, ensure_ascii=False))
        return done

    def save_summary(self, summary: dict) -> None:
        (self.folder / "resumen.json").write_text(json.dumps(summary, ensure_ascii=False))

    def summary(self) -> dict | None:
        path = self.folder / "resumen.json"
        return json.loads(path.read_text()) if path.exists() else None


def _root() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "imports"


def _forget_old() -> None:
    """Remove staged imports older than ``KEEP_DAYS``: an abandoned dry run does not stay forever."""
    limit = time.time() - KEEP_DAYS * 86400
    root = _root()
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if _TOKEN.fullmatch(folder.name) and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def stage(zip_data: bytes, sheet_data: bytes, sheet_filename: str) -> Staged:
    """Keep the uploads for the confirmation; return where."""
    _forget_old()
    extension = "xlsx" if sheet_filename.lower().endswith(".xlsx") else "csv"
    token = secrets.token_hex(16)
    folder = _root() / token
    folder.mkdir(parents=True)
    (folder / "archivos.zip").write_bytes(zip_data)
    (folder / SHEET_NAMES[extension]).write_bytes(sheet_data)
    return Staged(token, folder)


def load(token: str) -> Staged:
    """Return the staged import ``token``; NotFound when the token is malformed or unknown."""
    if not _TOKEN.fullmatch(token or ""):
        raise NotFound("No existe esa importación.")
    folder = _root() / token
    if not (folder / "archivos.zip").exists():
        raise NotFound("No existe esa importación.")
    return Staged(token, folder)
