"""The document workflow: one table of allowed transitions, one function to check them.

    draft ──submit──▶ in_review ──pass_review──▶ in_approval ──approve──▶ approved ──(date)──▶ effective ──(superseded)──▶ obsolete
      ▲                  │                          │
      └──── returned ◀───┴──────── return ──────────┘          any open or in-force version ──withdraw──▶ withdrawn

``in_approval`` makes explicit the step between the reviewer's and the approver's
signature, which DESIGN.md folds into ``in_review``.
"""
from __future__ import annotations

from dataclasses import dataclass

from qms.core import permissions as P


@dataclass(frozen=True)
class Transition:
    name: str
    #: Button label in Spanish.
    label: str
    sources: frozenset[str]
    target: str
    #: Permission the actor needs; None for steps only the system takes.
    permission: str | None
    #: Meaning of the signature the step records, if any.
    signature: str | None = None
    #: A comment (observations, reason) is required.
    needs_comment: bool = False
    #: Signature meanings the actor must not hold on this version (segregation of duties).
    excluded_signers: tuple[str, ...] = ()
    #: Bootstrap colour of the button.
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", "Enviar a revisión", frozenset({"draft", "returned"}), "in_review",
                   P.DOCUMENT_DRAFT, signature="authored"),
        Transition("pass_review", "Dar por revisado", frozenset({"in_review"}), "in_approval",
                   P.DOCUMENT_REVIEW, signature="reviewed", excluded_signers=("authored",), style="success"),
        Transition("return_review", "Devolver con observaciones", frozenset({"in_review"}), "returned",
                   P.DOCUMENT_REVIEW, signature="returned", needs_comment=True, excluded_signers=("authored",),
                   style="warning"),
        Transition("approve", "Aprobar", frozenset({"in_approval"}), "approved",
                   P.DOCUMENT_APPROVE, signature="approved", excluded_signers=("authored", "reviewed"),
                   style="success"),
        Transition("return_approval", "Devolver con observaciones", frozenset({"in_approval"}), "returned",
                   P.DOCUMENT_APPROVE, signature="returned", needs_comment=True,
                   excluded_signers=("authored", "reviewed"), style="warning"),
        Transition("withdraw", "Anular", frozenset({"draft", "returned", "in_review", "in_approval", "approved", "effective"}),
                   "withdrawn", P.DOCUMENT_MANAGE, needs_comment=True, style="danger"),
        Transition("make_effective", "Entrar en vigencia", frozenset({"approved"}), "effective", None),
        Transition("make_obsolete", "Dejar obsoleta", frozenset({"effective"}), "obsolete", None),
    )
}

#: Transitions a person can ask for (the others are taken by the system).
USER_TRANSITIONS = tuple(name for name, t in TRANSITIONS.items() if t.permission is not None)


def check(name: str, state: str) -> Transition:
    """Return the transition if it may start from ``state``; raise KeyError or ValueError."""
    transition = TRANSITIONS[name]
    if state not in transition.sources:
        raise ValueError(state)
    return transition


def available(state: str) -> list[Transition]:
    """Return the user transitions that may start from ``state``."""
    return [TRANSITIONS[n] for n in USER_TRANSITIONS if state in TRANSITIONS[n].sources]
