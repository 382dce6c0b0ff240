"""What the domain modules register: their event kinds, their reminder sources and what
they put in people's calendars. The package itself knows no domain module.

A module registers in ``qms/<module>/notices.py`` (listed in ``qms.REGISTRATIONS``):

* ``register_kind(code, label, group)``: an event kind with its Spanish name, shown on
  the preferences page;
* ``register_reminders(source)``: ``source(today) -> iterable of Reminder``, the items
  due soon or overdue today; the job runner turns each into notifications once (it runs
  the source where ``url_for`` works);
* ``register_calendar(source)``: ``source(user) -> iterable of CalendarEntry``, the dates
  of the person's feed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

#: Stages of a reminder, in the order an item passes them.
DUE_SOON = "due_soon"
OVERDUE = "overdue"


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str
    group: str


@dataclass(frozen=True)
class Reminder:
    """One item due soon or overdue, and who must act on it."""

    kind: str
    object_type: str
    object_id: int
    #: The sentence shown, in Spanish ("La tarea … vence el 05-12-2026").
    text: str
    due: date
    stage: str
    recipients: list[Any]
    #: For escalation of an overdue item: its process (whose owner is told first) and the
    #: permission that makes someone a member of the committee told next.
    process_id: int | None = None
    committee_permission: str | None = None
    #: A page other than the object's own (a filtered list); None: the object's page.
    link: str | None = None


@dataclass(frozen=True)
class CalendarEntry:
    """A day in someone's calendar: an audit, a due date, a review."""

    uid: str
    summary: str
    day: date
    object_type: str = ""
    object_id: int | None = None
    description: str = ""
    end_day: date | None = None


_KINDS: dict[str, EventKind] = {}
_REMINDER_SOURCES: list[Callable[[date], Iterable[Reminder]]] = []
_CALENDAR_SOURCES: list[Callable[[Any], Iterable[CalendarEntry]]] = []


def register_kind(code: str, label: str, group: str) -> None:
    _KINDS[code] = EventKind(code, label, group)


def kinds() -> dict[str, EventKind]:
    """Every kind, by group then label (the order of the preferences page)."""
    return dict(sorted(_KINDS.items(), key=lambda item: (item[1].group, item[1].label)))


def kind_label(code: str) -> str:
    kind = _KINDS.get(code)
    return kind.label if kind else code


def _add_once(sources: list, source) -> None:
    # A registration module imported twice (a reload) registers once.
    name = (source.__module__, source.__qualname__)
    sources[:] = [s for s in sources if (s.__module__, s.__qualname__) != name] + [source]


def register_reminders(source: Callable[[date], Iterable[Reminder]]) -> None:
    _add_once(_REMINDER_SOURCES, source)


def reminder_sources() -> list[Callable[[date], Iterable[Reminder]]]:
    return list(_REMINDER_SOURCES)


def register_calendar(source: Callable[[Any], Iterable[CalendarEntry]]) -> None:
    _add_once(_CALENDAR_SOURCES, source)


def calendar_sources() -> list[Callable[[Any], Iterable[CalendarEntry]]]:
    return list(_CALENDAR_SOURCES)


# Kinds of the package itself.
register_kind("escalation", "Escalamiento de pendientes vencidos", "General")
