"""Helpers shared by the records services: permission check, search touch, codes, retention."""
from __future__ import annotations

from datetime import date

from qms import search
from qms.core.checks import require  # noqa: F401  (the records services import it from here)
from qms.core.codes import next_yearly_code
from qms.core.states import State, StateMap
from qms.records.models import Record, RecordType
from qms.timeutil import today_local

SEARCH_KIND = "record"
#: Records whose retention ends within this many days are "por vencer".
DUE_SOON_DAYS = 90

#: Retention states of the register's filter.
RETENTION_STATES = StateMap(
    State("in_retention", "En plazo de conservación", "success"),
    State("due_soon", f"Vence en {DUE_SOON_DAYS} días o menos", "warning"),
    State("expired", "Plazo cumplido (disposición pendiente)", "danger"),
    State("permanent", "Conservación permanente", "primary"),
    State("hold", "Retención legal", "dark"),
    State("archived", "Archivo histórico", "secondary"),
    State("disposed", "Eliminado", "dark"),
)



def touch(record: Record) -> None:
    """Bump the record's revision and queue its reindexing."""
    record.revision = (record.revision or 0) + 1
    search.queue_index(SEARCH_KIND, record.id)


def next_code(prefix: str, year: int, taken) -> str:
    """Hand out ``PREFIX-YEAR-NNN`` for the code column ``taken``; numbers are never reused.

    The counter key carries the table name, so record and disposition codes of the same
    prefix never share a counter.
    """
    return next_yearly_code(prefix, year, taken, key=f"{taken.table.name}:{prefix}-{year}")


def retention_until_for(record_type: RecordType, record_date: date) -> date | None:
    return record_type.retention_until(record_date)


def is_retention_over(record: Record, today: date | None = None) -> bool:
    """Return whether the record's retention has ended (the day after ``retention_until``)."""
    if record.retention_until is None:
        return False
    return (today or today_local()) > record.retention_until


def is_on_hold(record: Record) -> bool:
    return bool(record.is_on_legal_hold or record.type.is_on_legal_hold)


def retention_state(record: Record, today: date | None = None) -> str:
    """Return the key of RETENTION_STATES that describes the record today."""
    return retention_state_of(record.state, is_on_hold(record), record.retention_until, today or today_local())


def retention_state_of(state: str, on_hold: bool, retention_until: date | None, today: date) -> str:
    """The same, from the record's columns (the export reads rows, not records)."""
    if state in ("archived", "disposed"):
        return state
    if on_hold:
        return "hold"
    if retention_until is None:
        return "permanent"
    if today > retention_until:
        return "expired"
    if (retention_until - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "in_retention"
