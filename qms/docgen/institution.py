"""The institution named on every generated file, as plain values from a provider.

The engine knows no organisation model: the application installs a provider at
start-up (the org module's, from the app shell's setup), and every render asks it,
so no caller has to pass the institution along. The provider returns a plain dict
(``name``, ``logo_bytes``, ``logo_sha256``) or None, so it needs no import of the engine
either: the institution sits below the engine in the layers.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InstitutionInfo:
    """The institution as generated files show it."""

    name: str = ""
    #: The logo's PNG or JPEG bytes; None when there is none or it cannot be read.
    logo_bytes: bytes | None = None
    #: The logo's hash in the file store: recorded in a controlled document's data hash.
    logo_sha256: str | None = None


#: What files show before the application installs a provider, or when it has none.
BLANK = InstitutionInfo()

_provider: Callable[[], dict | None] | None = None


def set_provider(provider: Callable[[], dict | None] | None) -> None:
    """Install the function that returns the institution's plain values (None: none yet)."""
    global _provider
    _provider = provider


def current() -> InstitutionInfo:
    """Return the institution from the installed provider, or BLANK."""
    values = _provider() if _provider is not None else None
    if not values:
        return BLANK
    return InstitutionInfo(
        name=values.get("name") or "", logo_bytes=values.get("logo_bytes"), logo_sha256=values.get("logo_sha256")
    )
