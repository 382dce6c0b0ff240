"""Processes and institution settings: the only place that changes them."""
from __future__ import annotations

import re

import sqlalchemy as sa

from qms.auth import permissions as P
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
