"""The document workflow: one table of allowed transitions, one function to check them.

    draft ──submit──▶ in_review ──pass_review──▶ in_approval ──approve──▶ approved ──(date)──▶ effective ──(superseded)──▶ obsolete
      ▲                  │                          │
      └──── returned ◀───┴──────── return ──────────┘          any open or in-force version ──withdraw──▶ withdrawn

``in_approval`` makes explicit the step between the reviewer's and the approver's
signature, which DESIGN.md folds into ``in_review``.
"""
from __future__ import annotations

from qms.core import permissions as P
from qms.core.workflow import Transition, Workflow
from qms.documents.models import STATES

WORKFLOW = Workflow(STATES, [
    Transition("submit", "Enviar a revisión", frozenset({"draft", "returned"}), "in_review",
               permission=P.DOCUMENT_DRAFT, signature="authored"),
    Transition("pass_review", "Dar por revisado", frozenset({"in_review"}), "in_approval",
               permission=P.DOCUMENT_REVIEW, signature="reviewed", excluded_signers=("authored",), style="success"),
    Transition("return_review", "Devolver con observaciones", frozenset({"in_review"}), "returned",
               permission=P.DOCUMENT_REVIEW, signature="returned", needs_comment=True,
               excluded_signers=("authored",), style="warning"),
    Transition("approve", "Aprobar", frozenset({"in_approval"}), "approved",
               permission=P.DOCUMENT_APPROVE, signature="approved", excluded_signers=("authored", "reviewed"),
               style="success"),
    Transition("return_approval", "Devolver con observaciones", frozenset({"in_approval"}), "returned",
               permission=P.DOCUMENT_APPROVE, signature="returned", needs_comment=True,
               excluded_signers=("authored", "reviewed"), style="warning"),
    Transition("withdraw", "Anular", frozenset({"draft", "returned", "in_review", "in_approval", "approved", "effective"}),
               "withdrawn", permission=P.DOCUMENT_MANAGE, needs_comment=True, style="danger"),
    Transition("make_effective", "Entrar en vigencia", frozenset({"approved"}), "effective", system=True),
    Transition("make_obsolete", "Dejar obsoleta", frozenset({"effective"}), "obsolete", system=True),
])

TRANSITIONS = WORKFLOW.transitions
#: Transitions a person can ask for (the others are taken by the system).
USER_TRANSITIONS = WORKFLOW.user_transitions
#: Refuses a transition from the wrong state (a ``ValueError``) or an unknown name (a ``KeyError``).
check = WORKFLOW.check
#: The user transitions that may start from a state.
available = WORKFLOW.available
