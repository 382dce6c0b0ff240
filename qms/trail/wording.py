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

EMPTY = "—"

_LABELS: dict[str, str] = {}
_DETAILS: dict[str, DetailLines] = {}


def register_actions(labels: dict[str, str], detail_lines: DetailLines | None = None) -> None:
    """Name ``labels``' actions; ``detail_lines(action, details)`` reads their details."""
    _LABELS.update(labels)
    if detail_lines is not None:
        _DETAILS.update({action: detail_lines for action in labels})


def action_label(action: str) -> str:
    return _LABELS.get(action, action)


def known_actions() -> dict[str, str]:
    """Return ``{action: label}`` of every named action, ordered by label (the filter's choices)."""
    return dict(sorted(_LABELS.items(), key=lambda item: item[1]))


def detail_lines(action: str, details: dict | None) -> list[str]:
    """Return the entry's details as lines of text, by the owning module's reading if any."""
    reader = _DETAILS.get(action, generic_lines)
    return reader(action, details)


def generic_lines(_action: str, details: dict | None) -> list[str]:
    """Read details with no module-specific meaning: ``key: value``, a pair as ``a → b``."""
    lines = []
    for key, value in (details or {}).items():
        if isinstance(value, (list, tuple)) and len(value) == 2 and not any(isinstance(v, (list, dict)) for v in value):
            lines.append(f"{key}: {_text(value[0])} → {_text(value[1])}")
        elif isinstance(value, dict):
            lines.append(f"{key}: " + "; ".join(f"{k}={_text(v)}" for k, v in value.items()))
        else:
            lines.append(f"{key}: {_text(value)}")
    return lines


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)
