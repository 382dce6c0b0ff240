"""Per-year codes (``AUD-2026-03``, ``AC-2026-012``, ``PNC-2026-007``) that are never reused.

The counter lives in ``code_sequences`` (shared with document codes) under the key
``<PREFIX>-<year>``; its row is locked while a number is handed out, so two requests
never get the same code, and a number once handed out is never handed out again, even
if the object that took it is later rolled back or removed.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.documents.models import CodeSequence
from qms.extensions import db


def next_code(prefix: str, year: int, width: int, model, column="code") -> str:
    """Return the next free ``PREFIX-YEAR-NNN`` for ``model`` (codes taken by hand are skipped)."""
    key = f"{prefix}-{year}"
    counter = db.session.scalar(sa.select(CodeSequence).where(CodeSequence.key == key).with_for_update())
    if counter is None:
        counter = CodeSequence(key=key, last_value=0)
        db.session.add(counter)
    attr = getattr(model, column)
    while True:
        counter.last_value += 1
        code = f"{prefix}-{year}-{counter.last_value:0{width}d}"
        if db.session.scalar(sa.select(model.id).where(attr == code)) is None:
            db.session.flush()
            return code
