"""Pieces every Word report context shares: signature rows, names, date ranges.

Contexts are plain dicts (``qms/docgen`` renders them); these helpers keep the
audit, CAPA and nonconformity reports alike.
"""
from __future__ import annotations

from qms.timeutil import format_date


def signature_row(role: str, user, on) -> dict:
    """One row of a report's signature table."""
    return {"role": role, "name": getattr(user, "full_name", "") or "",
            "position": getattr(user, "position", "") or "", "date": format_date(on)}


def names(users) -> str:
    """Comma-separated full names, skipping empty places."""
    return ", ".join(u.full_name for u in users if u is not None)


def date_range(start, end) -> str:
    """``01-03-2026`` or ``01-03-2026 al 05-03-2026``; empty without a start."""
    if not start:
        return ""
    if not end or end == start:
        return format_date(start)
    return f"{format_date(start)} al {format_date(end)}"
