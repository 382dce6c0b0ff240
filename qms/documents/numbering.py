"""Document codes built from a per-type pattern; numbers are never reused."""
from __future__ import annotations

import re
import string

import sqlalchemy as sa

from qms.documents.models import CodeSequence, Document
from qms.extensions import db

_FORMATTER = string.Formatter()


def sequence_key(pattern: str, type_code: str, process_code: str) -> str:
    """Return the counter's key: the pattern with everything but the number filled in."""
    return re.sub(r"\{seq[^}]*\}", "#", pattern).format(type=type_code, process=process_code)


def format_code(pattern: str, type_code: str, process_code: str, seq: int) -> str:
    """Return the code for number ``seq``, e.g. ``PR-{process}-{seq:02}`` → ``PR-GT-01``."""
    return pattern.format(type=type_code, process=process_code, seq=seq)


def validate_pattern(pattern: str) -> None:
    """Raise ValueError unless ``pattern`` has a ``{seq}`` field and only known fields."""
    fields = {name for _, name, _, _ in _FORMATTER.parse(pattern) if name is not None}
    if "seq" not in fields:
        raise ValueError("el patrón debe incluir {seq}")
    unknown = fields - {"seq", "type", "process"}
    if unknown:
        raise ValueError(f"campos desconocidos en el patrón: {', '.join(sorted(unknown))}")


def next_code(pattern: str, type_code: str, process_code: str) -> str:
    """Hand out the next free code for this prefix, locking its counter row.

    The counter only moves forward, so a withdrawn document's code is never handed out
    again; codes already taken (e.g. imported by hand) are skipped.
    """
    key = sequence_key(pattern, type_code, process_code)
    counter = db.session.scalar(sa.select(CodeSequence).where(CodeSequence.key == key).with_for_update())
    if counter is None:
        counter = CodeSequence(key=key, last_value=0)
        db.session.add(counter)
    while True:
        counter.last_value += 1
        code = format_code(pattern, type_code, process_code, counter.last_value)
        if db.session.scalar(sa.select(Document.id).where(Document.code == code)) is None:
            db.session.flush()
            return code
