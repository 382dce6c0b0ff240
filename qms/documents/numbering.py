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


def number_in(code: str, pattern: str, type_code: str, process_code: str) -> int | None:
    """Return the sequence number ``code`` holds if it follows the pattern, else None."""
    regex = ""
    for literal, name, _spec, _conv in _FORMATTER.parse(pattern):
        regex += re.escape(literal)
        if name == "seq":
            regex += r"(?P<seq>\d+)"
        elif name == "type":
            regex += re.escape(type_code)
        elif name == "process":
            regex += re.escape(process_code)
    found = re.fullmatch(regex, code)
    return int(found.group("seq")) if found else None


def move_counter_past(code: str, pattern: str, type_code: str, process_code: str) -> None:
    """After a legacy code is kept as it was, make the type's counter hand out only later numbers."""
    seq = number_in(code, pattern, type_code, process_code)
    if seq is not None:
        core_codes.move_past(sequence_key(pattern, type_code, process_code), seq)
