"""The audit state machine: one table of transitions.

    planned ──start──▶ in_progress ──report──▶ reported ──close──▶ closed

``report`` generates the Word report (stored, registered as a record); ``close`` is
refused while a nonconformity finding has no corrective action.
"""
from __future__ import annotations

from qms.core.workflow import Transition, Workflow
from qms.audits.models import AUDIT_STATES

WORKFLOW = Workflow(
    AUDIT_STATES,
    [
        Transition("start", "Iniciar la auditoría", frozenset({"planned"}), "in_progress"),
        Transition("report", "Emitir el informe", frozenset({"in_progress"}), "reported", style="success"),
        Transition("close", "Cerrar la auditoría", frozenset({"reported"}), "closed", style="success"),
    ],
)
