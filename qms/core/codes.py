"""Human codes handed out from locked counters, never reused.

``PR-GT-01`` (documents, per type pattern), ``AUD-2026-03``, ``AC-2026-012``,
``PNC-2026-007`` and ``REG-2026-001`` all come from one counter table. A counter row
is locked while a number is handed out (``qms.core.locking.lock``: ``SELECT … FOR
NO KEY UPDATE`` on PostgreSQL, the write lock every SQLite transaction already holds),
so two requests never get the same code; a number once handed out is never handed out
again, even when the object that took it is rolled back or withdrawn, and codes
already taken (imported by hand) are skipped.
"""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from qms.core.locking import lock
from qms.extensions import db


class CodeSequence(db.Model):
    """The last number handed out for a code prefix; numbers are never reused."""

    __tablename__ = "code_sequences"

    #: The prefix the numbers belong to, e.g. ``PR-GT-#`` or ``AUD-2026``.
    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    #: The last number handed out.
    last_value: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<CodeSequence {self.key}={self.last_value}>"


def next_code(key: str, render: Callable[[int], str], taken) -> str:
    """Hand out the next free code of counter ``key``.

    ``render`` turns a number into the code; ``taken`` is the code column that must
    not already hold it.
    """
    counter = lock(CodeSequence, key) or _first_counter(key)
    while True:
        counter.last_value += 1
        code = render(counter.last_value)
        if db.session.scalar(sa.select(taken).where(taken == code).limit(1)) is None:
            db.session.flush()
            return code


def move_past(key: str, value: int) -> None:
    """Make counter ``key`` hand out numbers above ``value`` (a code imported as it was)."""
    counter = lock(CodeSequence, key) or _first_counter(key)
    if counter.last_value < value:
        counter.last_value = value
        db.session.flush()


def _first_counter(key: str) -> CodeSequence:
    """Create counter ``key`` and return it locked, even when another request creates it too.

    With no row there is nothing to lock, so two first numbers of a prefix may both try
    to insert it; the second insert waits for the first transaction and then fails. It
    fails inside a savepoint, which undoes only the insert, and the row the other
    request committed is locked instead.
    """
    try:
        with db.session.begin_nested():
            db.session.add(CodeSequence(key=key, last_value=0))
    except IntegrityError:
        pass
    return lock(CodeSequence, key)


def next_yearly_code(prefix: str, year: int, taken, *, width: int = 3, key: str | None = None) -> str:
    """Hand out ``PREFIX-YEAR-NNN`` (``width`` digits) for the column ``taken``."""
    return next_code(key or f"{prefix}-{year}", lambda n: f"{prefix}-{year}-{n:0{width}d}", taken)
