"""The workflow kernel: a state machine is a table of transitions checked by one function.

Every module that has states (documents, audits, actions, nonconformities, records)
declares its table in its own ``workflow.py`` as a ``Workflow`` and moves its objects
only through ``Workflow.check``, so the allowed steps are read in one place and the
refusal message is the same everywhere. Guards that depend on the object (who may,
what must be filled in) stay in the module's service.
"""
from __future__ import annotations

from dataclasses import dataclass

from qms.errors import ServiceError


class UnknownTransition(ServiceError, KeyError):
    """No transition of that name (a forged form or a stale button)."""

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.message


class TransitionRefused(ServiceError, ValueError):
    """The transition exists but may not start from the object's state."""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Transition:
    """One allowed step of a state machine."""

    name: str
    #: Button label in Spanish.
    label: str
    sources: frozenset[str]
    target: str
    #: Permission the actor needs, when the table decides it (documents); None when the
    #: module's service checks it, or for steps only the system takes.
    permission: str | None = None
    #: Meaning of the signature the step records, if any ("authored", "approved", ...).
    signature: str | None = None
    #: A comment (observations, reason) is required.
    needs_comment: bool = False
    #: Signature meanings the actor must not hold on the object (segregation of duties).
    excluded_signers: tuple[str, ...] = ()
    #: Taken by the system (a date arrives, a newer version takes effect), never offered.
    system: bool = False
    #: Bootstrap colour of the button.
    style: str = "primary"


class Workflow:
    """A table of transitions with the one function that checks them."""

    def __init__(self, states: dict[str, str], transitions: list[Transition]):
        self.states = states
        self.transitions: dict[str, Transition] = {t.name: t for t in transitions}
        unknown = {s for t in transitions for s in t.sources | {t.target}} - set(states)
        if unknown:
            raise ValueError(f"states missing from the table: {sorted(unknown)}")

    def check(self, name: str, state: str) -> Transition:
        """Return the transition if it may start from ``state``; raise a ServiceError otherwise."""
        transition = self.transitions.get(name)
        if transition is None:
            raise UnknownTransition("Esa acción no existe.")
        if state not in transition.sources:
            raise TransitionRefused(
                f"No se puede «{transition.label.lower()}» en el estado «{self.states.get(state, state)}»."
            )
        return transition

    def available(self, state: str) -> list[Transition]:
        """Return the transitions a person may ask for from ``state``, in table order."""
        return [t for t in self.transitions.values() if state in t.sources and not t.system]

    @property
    def user_transitions(self) -> tuple[str, ...]:
        return tuple(name for name, t in self.transitions.items() if not t.system)
