"""Helpers shared by the audits, actions and nonconformities services."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from qms.errors import PermissionDenied, ServiceError
from qms.timeutil import format_date, today_local


@dataclass(frozen=True)
class Transition:
    """One allowed step of a module's state machine (the table lives in its ``workflow.py``)."""

    name: str
    #: Button label in Spanish.
    label: str
    sources: frozenset[str]
    target: str
    #: Bootstrap colour of the button.
    style: str = "primary"


class Workflow:
    """A table of transitions with the one function that checks them."""

    def __init__(self, states: dict[str, str], transitions: list[Transition]):
        self.states = states
        self.transitions = {t.name: t for t in transitions}

    def check(self, name: str, state: str) -> Transition:
        """Return the transition if it may start from ``state``; raise ServiceError otherwise."""
        transition = self.transitions.get(name)
        if transition is None:
            raise ServiceError("Esa acción no existe.")
        if state not in transition.sources:
            raise ServiceError(
                f"No se puede «{transition.label.lower()}» en el estado «{self.states.get(state, state)}»."
            )
        return transition

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]


def require(actor, *permissions: str) -> None:
    """Raise PermissionDenied unless ``actor`` holds at least one of ``permissions``."""
    if actor is None or not any(actor.can(p) for p in permissions):
        raise PermissionDenied()


def text(value, label: str, field: str | None = None, *, required: bool = True, max_length: int = 20000) -> str:
    """Return ``value`` stripped; refuse an empty required value or an overlong one."""
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"{label} es obligatorio.", field=field)
    if len(value) > max_length:
        raise ServiceError(f"{label} no puede superar {max_length} caracteres.", field=field)
    return value


def choice(value, options: dict, label: str, field: str | None = None) -> str:
    if value not in options:
        raise ServiceError(f"Elija {label} de la lista.", field=field)
    return value


def date_order(first: date | None, second: date | None, message: str, field: str | None = None) -> None:
    """Refuse ``second`` earlier than ``first`` (both given)."""
    if first and second and second < first:
        raise ServiceError(message, field=field)


def not_future(value: date | None, label: str, field: str | None = None) -> None:
    if value and value > today_local():
        raise ServiceError(f"{label} ({format_date(value)}) no puede ser posterior a hoy.", field=field)


def store_report(template: str, context: dict, *, actor, type_code: str, title: str, record_date: date,
                 process, region_code: str | None, filename: str, source_kind: str, source_id: int):
    """Render a report, store it immutably and register it as a record.

    Returns ``(sha256, record_id)``; ``record_id`` is None while the records module does
    not offer ``register_produced_record`` (the file is still stored and linked).
    """
    from qms.docgen.service import render_report
    from qms.docgen.templates import DOCX_TYPE
    from qms.storage import store

    data = render_report(template, context)
    stored = store.put(data, DOCX_TYPE)
    record_id = None
    try:
        from qms.records.service import register_produced_record
    except ImportError:
        current_app.logger.warning("records module without register_produced_record: %s not registered", filename)
    else:
        record = register_produced_record(
            actor, type_code=type_code, title=title, record_date=record_date, process=process,
            region_code=region_code, data=data, filename=filename, content_type=DOCX_TYPE,
            source_kind=source_kind, source_id=source_id)
        record_id = getattr(record, "id", None)
    return stored.sha256, record_id


def names(users) -> str:
    return ", ".join(u.full_name for u in users if u is not None)
