"""The management review's state machine: one table of transitions.

    planned ──hold (attendance; the input pack is frozen)──▶ held ──approve (signed)──▶ approved
"""
from __future__ import annotations

from qms.core.workflow import Transition, Workflow
from qms.reviews.models import REVIEW_STATES

WORKFLOW = Workflow(
    REVIEW_STATES,
    [
        Transition("hold", "Registrar la reunión realizada", frozenset({"planned"}), "held"),
        Transition("approve", "Aprobar el acta", frozenset({"held"}), "approved", signature="approved",
                   style="success"),
    ],
)
