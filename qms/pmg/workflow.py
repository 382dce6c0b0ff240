"""The annual work programme's state machine: one table of transitions.

    draft ──approve (signed by the head of service)──▶ approved
    (changes after approval are revisions of the approved programme, trailed one by one)
"""
from __future__ import annotations

from qms.core.workflow import Transition, Workflow
from qms.pmg.models import PROGRAMME_STATES

WORKFLOW = Workflow(
    PROGRAMME_STATES,
    [Transition("approve", "Aprobar el programa de trabajo", frozenset({"draft"}), "approved", signature="approved",
                style="success")],
)
