"""Document codes built from a per-type pattern; numbers are never reused."""
from __future__ import annotations

import re
import string

from qms.core import codes as core_codes
from qms.documents.models import Document

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
    """Hand out the next free code for this prefix (see ``qms.core.codes``).

    The counter only moves forward, so a withdrawn document's code is never handed out
    again; codes already taken (e.g. imported by hand) are skipped.
    """
    return core_codes.next_code(sequence_key(pattern, type_code, process_code),
                                lambda seq: format_code(pattern, type_code, process_code, seq), Document.code)
