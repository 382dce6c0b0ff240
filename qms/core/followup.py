"""A follow-up item: anything with an owner, a due date and an age.

The committee's follow-up list (``qms/actions/queries.py``) gathers rows from actions,
their tasks and verifications, and from every module that registers a row provider
(``register_rows``: nonconforming outputs in ``qms/nonconformities/queries.py``); each
module builds its own rows in this one shape, so actions needs no import of the others.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qms.timeutil import to_local

ITEM_KINDS = {"action": "Acción", "task": "Tarea", "verification": "Verificación", "pnc": "PNC"}


@dataclass
class Row:
    """One line of the follow-up list, with its age and whether it is overdue."""

    kind: str
    code: str
    title: str
    process: str
    region: str
    source: str
    state: str
    owner: str
    opened: date
    due: date | None
    closed: bool
    url: str
    #: Days open (to today, or to closure).
    age: int = 0
    overdue: bool = False
    owner_id: int | None = None

    @property
    def kind_label(self) -> str:
        return ITEM_KINDS[self.kind]


def local_date(moment) -> date | None:
    """The local (Santiago) date of an instant; None for None."""
    return to_local(moment).date() if moment else None




#: Row providers of other modules: ``provider(today) -> list[Row]``, by item kind.
_PROVIDERS: dict[str, object] = {}


def register_rows(kind: str, provider) -> None:
    """Add a module's rows to the committee's follow-up list (called at import)."""
    _PROVIDERS[kind] = provider


def registered_rows(today: date) -> list[Row]:
    """The rows every registered module contributes, in registration order."""
    return [row for provider in _PROVIDERS.values() for row in provider(today)]
