"""The CAPA state machine: one table of transitions.

    open ──start_analysis──▶ analysis ──start_implementation──▶ implementing ──request_verification──▶ verifying
                               ▲                                                                          │
                               └───────────────────── verify_not_effective ("no eficaz") ◀────────────────┤
                                                                                                          └─verify_effective──▶ closed
    any state but closed ──withdraw (committee, with a reason)──▶ withdrawn

Guards (who may, what must be filled in) are in ``service.apply_transition``.
"""
from __future__ import annotations

from qms.actions.models import ACTION_STATES
from qms.core.workflow import Transition, Workflow

WORKFLOW = Workflow(
    ACTION_STATES,
    [
        Transition("start_analysis", "Iniciar el análisis", frozenset({"open"}), "analysis"),
        Transition("start_implementation", "Aprobar el plan e implementar", frozenset({"analysis"}), "implementing",
                   style="success"),
        Transition("request_verification", "Plan cumplido: pasar a verificación", frozenset({"implementing"}),
                   "verifying", style="success"),
        Transition("verify_effective", "Verificar: eficaz", frozenset({"verifying"}), "closed", style="success"),
        Transition("verify_not_effective", "Verificar: no eficaz", frozenset({"verifying"}), "analysis",
                   style="warning"),
        # An action opened by mistake: the committee withdraws it with a reason; it stays, read-only.
        Transition("withdraw", "Anular la acción", frozenset({"open", "analysis", "implementing", "verifying"}),
                   "withdrawn", needs_comment=True, style="danger"),
    ],
)
#: Transitions that record an effectiveness verification (only the verifier takes them).
VERIFY_TRANSITIONS = frozenset({"verify_effective", "verify_not_effective"})
