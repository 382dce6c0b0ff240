"""How the trail speaks: Spanish names for actions and readable lines for their details.

An entry stores its action as a code (``version.edited``) and its details as JSON; the
people who read the trail need "Borrador guardado" and "Título: A → B". The trail knows
no domain, so each module that writes entries registers, from its ``trail_objects.py``,
the names of its actions and, if its details need more than the generic reading, the
function that turns them into lines. An action nobody named is shown by its code.
"""
from __future__ import annotations

from typing import Callable

DetailLines = Callable[[str, dict | None], list[str]]
#: ``name(action, details) -> str | None``: a name that depends on the details (the step of a
#: ``*.transition`` entry, ``qms.core.trail_labels.namer``); None falls back to the label.
Namer = Callable[[str, dict], str | None]

EMPTY = "—"

_LABELS: dict[str, str] = {}
_DETAILS: dict[str, DetailLines] = {}
_NAMERS: dict[str, Namer] = {}


def register_actions(labels: dict[str, str], detail_lines: DetailLines | None = None,
                     name: Namer | None = None) -> None:
    """Name ``labels``' actions; ``detail_lines(action, details)`` reads their details and
    ``name(action, details)`` names an entry from its details."""
    _LABELS.update(labels)
    if detail_lines is not None:
        _DETAILS.update({action: detail_lines for action in labels})
    if name is not None:
        _NAMERS.update({action: name for action in labels})


def action_label(action: str, details: dict | None = None) -> str:
    """The Spanish name of an entry's action; its code when no module named it."""
    namer = _NAMERS.get(action)
    named = namer(action, details or {}) if namer is not None else None
    return named or _LABELS.get(action, action)


def known_actions() -> dict[str, str]:
    """Return ``{action: label}`` of every named action, ordered by label (the filter's choices)."""
    return dict(sorted(_LABELS.items(), key=lambda item: item[1]))


def detail_lines(action: str, details: dict | None) -> list[str]:
    """Return the entry's details as lines of text, by the owning module's reading if any."""
    reader = _DETAILS.get(action, generic_lines)
    return reader(action, details)


#: Detail keys the modules share, in Spanish; a key not named here is shown as stored.
FIELD_NAMES = {
    "title": "Título", "state": "Estado", "comment": "Observaciones", "description": "Descripción",
    "code": "Código", "name": "Nombre", "owner": "Responsable", "responsible": "Responsable",
    "process": "Proceso", "processes": "Procesos", "region": "Región", "regions": "Regiones",
    "type": "Tipo", "kind": "Tipo", "source": "Origen", "source_ref": "Referencia del origen",
    "due_date": "Plazo", "planned_date": "Fecha planificada", "planned_start": "Inicio planificado",
    "planned_end": "Término planificado", "actual_start": "Inicio", "actual_end": "Término",
    "completed_on": "Terminada el", "detected_on": "Detectado el", "treated_on": "Tratado el",
    "record_date": "Fecha del registro", "retention_until": "Conservar hasta", "effective_date": "Vigencia",
    "review_due": "Próxima revisión", "objective": "Objetivo", "criteria": "Criterios", "clause": "Cláusula",
    "clauses": "Cláusulas", "auditees": "Auditados", "lead_auditor": "Auditor(a) líder", "team": "Equipo auditor",
    "conclusions": "Conclusiones", "result": "Resultado", "evidence": "Evidencia", "evidence_note": "Evidencia",
    "question": "Pregunta", "item": "Pregunta", "items": "Preguntas", "task": "Tarea", "verifier": "Verificador(a)",
    "verification": "Verificación", "root_cause": "Causa raíz", "analysis_method": "Método de análisis",
    "causes": "Causas (Ishikawa)", "whys": "5 porqués", "treatment": "Tratamiento", "product": "Producto",
    "authorised_by": "Autorizó", "disposition": "Disposición final", "documents": "Documentos",
    "file": "Archivo", "notes": "Notas", "roles": "Roles", "allowed_roles": "Roles con acceso",
    "is_confidential": "Confidencial", "is_active": "Activo", "transition": "Paso", "cycle": "Ciclo",
    "month": "Mes", "number": "Número", "label": "Nombre", "ip": "Dirección", "status": "Estado",
    "change_description": "Descripción del cambio", "record": "Registro", "action": "Acción",
    "password_scheme": "Hash de la contraseña",
}
#: Keys whose value is a list of things (two processes are not a change from one to the other).
LIST_KEYS = frozenset({"processes", "regions", "roles", "allowed_roles", "documents", "clauses", "auditees",
                       "team", "criteria", "items", "causes", "whys"})
#: Machine data (hashes, internal ids) left out of the readable lines.
HIDDEN_KEYS = frozenset({"signature", "output_sha256", "source_sha256", "sha256", "content_sha256",
                         "owner_id", "unit_id", "object_id"})


def generic_lines(_action: str, details: dict | None) -> list[str]:
    """Read details with no module-specific meaning: ``Campo: valor``, a pair as ``a → b``."""
    lines = []
    for key, value in (details or {}).items():
        if key in HIDDEN_KEYS:
            continue
        name = FIELD_NAMES.get(key, key)
        pair = isinstance(value, (list, tuple)) and len(value) == 2
        if pair and key in LIST_KEYS and all(isinstance(v, list) for v in value):
            lines.append(f"{name}: {_text(value[0])} → {_text(value[1])}")
        elif pair and key not in LIST_KEYS and not any(isinstance(v, (list, dict)) for v in value):
            lines.append(f"{name}: {_text(value[0])} → {_text(value[1])}")
        elif isinstance(value, dict):
            lines.append(f"{name}: " + "; ".join(f"{FIELD_NAMES.get(k, k)}: {_text(v)}" for k, v in value.items()))
        else:
            lines.append(f"{name}: {_text(value)}")
    return lines


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)
