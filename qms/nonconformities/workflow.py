"""The PNC state machine: one table of transitions.

    reported ──treat──▶ treated ──reverify (conforme)──▶ closed
       ▲                   │
       └── reverify (sigue no conforme) ◀┘
    reported | treated ──withdraw (committee, with a reason)──▶ withdrawn
"""
from __future__ import annotations

from qms.core.workflow import Transition, Workflow
from qms.nonconformities.models import PNC_STATES

WORKFLOW = Workflow(
    PNC_STATES,
    [
        Transition("treat", "Registrar el tratamiento", frozenset({"reported"}), "treated"),
        Transition("reverify_ok", "Re-verificar: conforme y cerrar", frozenset({"treated"}), "closed", style="success"),
        Transition("reverify_fail", "Re-verificar: sigue no conforme", frozenset({"treated"}), "reported",
                   style="warning"),
        # Reported by mistake: the committee withdraws it with a reason; it stays, read-only.
        Transition("withdraw", "Anular el PNC", frozenset({"reported", "treated"}), "withdrawn", needs_comment=True,
                   style="danger"),
    ],
)
