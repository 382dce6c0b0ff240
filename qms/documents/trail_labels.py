"""How the trail should speak of document entries: Spanish action names and readable details.

``trail_objects.py`` registers both with the trail (``qms.trail.wording``), whose pages
show them. Nothing here reads the database: it only turns what an entry stored into
lines of text.
"""
from __future__ import annotations

#: Action -> what it means, in Spanish, for the people who read the trail.
TRAIL_ACTION_LABELS = {
    "document.created": "Documento creado",
    "document.imported": "Documento importado (registro histórico)",
    "version.imported": "Versión importada (registro histórico)",
    "document.updated": "Propiedades del documento modificadas",
    "document.distribution": "Distribución modificada",
    "document.coauthors": "Coautores modificados",
    "version.created": "Versión creada",
    "version.edited": "Borrador guardado",
    "version.word_uploaded": "Archivo Word subido",
    "version.browser_mode": "Vuelta a la redacción por secciones",
    "version.submit": "Enviada a revisión (Elaboró)",
    "version.pass_review": "Revisada (Revisó)",
    "version.return_review": "Devuelta por el revisor",
    "version.approve": "Aprobada (Aprobó)",
    "version.return_approval": "Devuelta por quien aprueba",
    "version.withdraw": "Anulada",
    "version.make_effective": "Entró en vigencia",
    "version.make_obsolete": "Quedó obsoleta",
    "version.reviewed_unchanged": "Revisada sin cambios",
    "version.downloaded": "Archivo descargado",
    "version.download_failed": "Descarga fallida: archivo alterado",
    "version.acknowledged": "Toma de conocimiento",
    "version.image_added": "Imagen agregada a una sección",
    "document_type.default_distribution": "Distribución por defecto del tipo modificada",
    "process.default_distribution": "Distribución por defecto del proceso modificada",
    "template.uploaded": "Plantilla Word subida",
    "template.restored": "Plantilla Word restaurada",
}

#: Detail key -> its Spanish name.
FIELD_LABELS = {
    "title": "Título",
    "change_description": "Descripción del cambio",
    "references": "Documentos relacionados",
    "record_types": "Registros que genera",
    "state": "Estado",
    "comment": "Observaciones",
    "effective_date": "Fecha de vigencia",
    "review_due": "Próxima revisión",
    "owner": "Responsable",
    "regions": "Regiones",
    "distribution": "Distribución",
    "authoring_mode": "Modo de redacción",
    "kind": "Copia",
    "number": "Número",
    "copied_from": "Copiada de la versión",
    "superseded_by": "Reemplazada por la versión",
    "reason": "Motivo",
    "coauthors": "Coautores",
}

#: Stored values shown with a Spanish word instead.
VALUE_LABELS = {
    "browser": "por secciones", "word": "archivo Word", "official": "oficial", "obsolete": "obsoleta",
    "draft": "borrador", "edit": "para editar",
}
#: Keys that are machine data (hashes), left out of the readable lines.
HIDDEN_KEYS = frozenset({"signature", "output_sha256", "source_sha256", "sha256", "content_sha256"})
EMPTY = "—"


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, bool):
        return "sí" if value else "no"
    return VALUE_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


def _state(value) -> str:
    from qms.documents.models import STATES

    return STATES.get(value, _value(value))


def detail_lines(action: str, details: dict | None) -> list[str]:
    """Return the entry's details as lines a person reads (``Título: A → B``).

    A changed section is one line with its heading and word diff (``[-…-]`` deleted,
    ``{+…+}`` inserted); a ``[before, after]`` pair is ``before → after``.
    """
    lines = []
    for key, value in (details or {}).items():
        if key in HIDDEN_KEYS:
            continue
        if key == "sections" and isinstance(value, dict):
            for change in value.values():
                lines.append(f"Sección «{change.get('heading', '')}»: {change.get('diff') or EMPTY}")
            continue
        label = FIELD_LABELS.get(key, key)
        show = _state if key == "state" else _value
        if isinstance(value, list) and len(value) == 2 and key not in ("regions", "references", "record_types"):
            lines.append(f"{label}: {show(value[0])} → {show(value[1])}")
        elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, list) for v in value):
            lines.append(f"{label}: {show(value[0])} → {show(value[1])}")
        else:
            lines.append(f"{label}: {show(value)}")
    return lines
