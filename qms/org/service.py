"""Processes and institution settings: the only place that changes them."""
from __future__ import annotations

import re

import sqlalchemy as sa

from qms.core import permissions as P
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.org.models import PROCESS_KINDS, Process
from qms.trail import service as trail

CODE_RE = re.compile(r"^[A-Z0-9]{2,12}$")


def _snapshot(process: Process) -> dict:
    return {"code": process.code, "name": process.name, "kind": process.kind, "owner_id": process.owner_id,
            "unit_id": process.unit_id, "pmg_system_code": process.pmg_system_code,
            "description": process.description, "has_gender_focus": process.has_gender_focus,
            "has_territorial_focus": process.has_territorial_focus, "is_active": process.is_active}


def save_process(actor, process: Process | None, **data) -> Process:
    """Create (``process`` None) or update a process. Its code is fixed once created."""
    if actor is None or not actor.can(P.PROCESS_MANAGE):
        raise PermissionDenied()
    name = (data.get("name") or "").strip()
    if not name:
        raise ServiceError("El nombre del proceso es obligatorio.", field="name")
    if data.get("kind") not in PROCESS_KINDS:
        raise ServiceError("Tipo de proceso inválido.", field="kind")
    creating = process is None
    if creating:
        code = (data.get("code") or "").strip().upper()
        if not CODE_RE.match(code):
            raise ServiceError("El código debe tener 2 a 12 letras mayúsculas o números.", field="code")
        if db.session.scalar(sa.select(Process.id).where(Process.code == code)):
            raise ServiceError("Ya existe un proceso con ese código.", field="code")
        process = Process(code=code)
        db.session.add(process)
        before = {}
    else:
        before = _snapshot(process)
    process.name = name
    for key in ("kind", "owner_id", "unit_id", "pmg_system_code", "description",
                "has_gender_focus", "has_territorial_focus", "is_active"):
        if key in data:
            setattr(process, key, data[key])
    db.session.flush()
    trail.record(actor, "process.created" if creating else "process.updated", "process", process.id,
                 process.code, trail.changes(before, _snapshot(process)))
    return process


#: Logo formats accepted, by their first bytes.
_IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_LOGO_BYTES = 2 * 1024 * 1024


def image_type(data: bytes) -> str | None:
    """Return the image's MIME type judged by its content, or None."""
    return next((kind for magic, kind in _IMAGE_SIGNATURES.items() if data.startswith(magic)), None)


def update_institution(actor, *, name: str, short_name: str, default_region_code: str | None,
                       logo: bytes | None = None, remove_logo: bool = False):
    """Change the settings printed on every generated document."""
    from qms.org.models import Institution, Region
    from qms.storage import store

    if actor is None or not actor.can(P.ADMIN_SETTINGS):
        raise PermissionDenied()
    name = (name or "").strip()
    if not name:
        raise ServiceError("El nombre de la institución es obligatorio.", field="name")
    if default_region_code and db.session.get(Region, default_region_code) is None:
        raise ServiceError("Región desconocida.", field="default_region_code")
    institution = db.session.get(Institution, 1)
    before = {"name": institution.name, "short_name": institution.short_name,
              "default_region_code": institution.default_region_code, "logo_sha256": institution.logo_sha256}
    if logo:
        kind = image_type(logo)
        if kind is None:
            raise ServiceError("El logo debe ser una imagen PNG o JPEG.", field="logo")
        if len(logo) > MAX_LOGO_BYTES:
            raise ServiceError("El logo no puede superar 2 MB.", field="logo")
        institution.logo_sha256 = store.put(logo, kind).sha256
    elif remove_logo:
        institution.logo_sha256 = None
    institution.name = name
    institution.short_name = (short_name or "").strip()
    institution.default_region_code = default_region_code or None
    db.session.flush()
    after = {"name": institution.name, "short_name": institution.short_name,
             "default_region_code": institution.default_region_code, "logo_sha256": institution.logo_sha256}
    trail.record(actor, "institution.updated", "institution", 1, institution.name, trail.changes(before, after))
    return institution
