"""Which Word template produces what, and its versions in the file store.

The shipped templates live in ``DOCUMENT_TEMPLATES_PATH``; the first time one is used
(or after an upgrade changes its bytes) it is copied into the file store as a new
version, so every generated file can name the exact template that made it. An
administrator's upload becomes the next version and stays in use until the next upload.
"""
from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from qms.docgen.models import TemplateVersion
from qms.errors import ServiceError
from qms.extensions import db
from qms.storage import store

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Used when a document names no template, or one that does not exist.
FALLBACK_TEMPLATE = "documento.docx"
#: Report templates (filled by the audit, CAPA, nonconformity and management review modules).
REPORT_TEMPLATES = {
    "informe_auditoria.docx": "Informe de auditoría",
    "accion_correctiva.docx": "Acción correctiva / preventiva",
    "producto_no_conforme.docx": "Producto / servicio no conforme",
    "revision_direccion.docx": "Acta de revisión por la dirección",
    "cumplimiento_pmg.docx": "Informe de cumplimiento PMG",
    "diagnostico_pmg.docx": "Diagnóstico PMG por proceso y cláusula",
}
_NAME = re.compile(r"^[a-z0-9_]+\.docx$")


def builtin_dir() -> Path:
    return Path(current_app.config["DOCUMENT_TEMPLATES_PATH"])


def builtin_names() -> list[str]:
    """Return the shipped template file names."""
    return sorted(path.name for path in builtin_dir().glob("*.docx"))


def normalise(name: str | None) -> str:
    """Return ``name`` as a template file name (``procedimiento`` -> ``procedimiento.docx``)."""
    name = (name or "").strip().lower()
    if name and not name.endswith(".docx"):
        name += ".docx"
    return name


def is_known(name: str) -> bool:
    return bool(_NAME.match(name)) and (name in builtin_names() or latest(name) is not None)


def resolve(name: str | None) -> str:
    """Return the template to render for ``name``: itself when known, else the fallback."""
    name = normalise(name)
    return name if name and is_known(name) else FALLBACK_TEMPLATE


def latest(name: str) -> TemplateVersion | None:
    return db.session.scalar(
        sa.select(TemplateVersion).where(TemplateVersion.name == name).order_by(TemplateVersion.number.desc()).limit(1)
    )


def history(name: str) -> list[TemplateVersion]:
    return list(
        db.session.scalars(
            sa.select(TemplateVersion).where(TemplateVersion.name == name).order_by(TemplateVersion.number.desc())
        )
    )


def _add_version(name: str, data: bytes, origin: str, actor=None, comment: str = "") -> TemplateVersion:
    stored = store.put(data, DOCX_TYPE)
    previous = latest(name)
    version = TemplateVersion(
        name=name, number=(previous.number + 1) if previous else 1, sha256=stored.sha256,
        origin=origin, comment=comment, created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    return version


def active(name: str) -> tuple[TemplateVersion, bytes]:
    """Return the version in use of template ``name`` and its bytes (verified).

    A shipped template whose file changed since it was last recorded (and that no
    upload replaced) is recorded again as a new version.
    """
    current = latest(name)
    builtin_path = builtin_dir() / name
    if current is None or (current.origin == "builtin" and builtin_path.exists()):
        if not builtin_path.exists():
            raise ServiceError(f"No existe la plantilla «{name}».")
        data = builtin_path.read_bytes()
        if current is None or store.sha256_of(data) != current.sha256:
            current = _add_version(name, data, "builtin", comment="Plantilla del sistema")
        return current, data
    return current, store.read(current.sha256)


def add_upload(actor, name: str, data: bytes, comment: str) -> TemplateVersion:
    """Record an administrator's (already validated) template as the next version."""
    return _add_version(name, data, "upload", actor, comment)


def restore_builtin(actor, name: str) -> TemplateVersion:
    """Make the shipped template the one in use again, as a new version."""
    path = builtin_dir() / name
    if not path.exists():
        raise ServiceError("Esta plantilla no tiene una versión del sistema que restaurar.")
    return _add_version(name, path.read_bytes(), "builtin", actor, "Se restauró la plantilla del sistema")
