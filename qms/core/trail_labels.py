"""Spanish names of a module's trail actions, and of its workflow steps.

Each module keeps a ``TRAIL_ACTION_LABELS`` map in its own ``trail_labels.py`` and
registers it, with ``namer(labels, workflow)``, through ``qms.trail.wording.register_actions``,
so the trail shows «Informe emitido» instead of ``audit.transition``.
"""
from __future__ import annotations

from typing import Callable


def namer(labels: dict[str, str], workflow=None, transition_names: dict[str, str] | None = None
          ) -> Callable[[str, dict], str | None]:
    """Return ``name(action, details)``: the label of ``action``; for ``*.transition`` the step's name."""
    steps = dict(transition_names or {})

    def name(action: str, details: dict) -> str | None:
        if action.endswith(".transition") and isinstance(details, dict):
            step = details.get("transition")
            if step in steps:
                return steps[step]
            if workflow is not None and step in workflow.transitions:
                return workflow.transitions[step].label
        return labels.get(action)

    return name
