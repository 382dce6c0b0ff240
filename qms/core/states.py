"""State → label → style: one map per module, read by its pages and its Word reports.

A module declares its states once, as a ``StateMap`` of ``State(key, label, tone)``.
The map behaves as the plain ``{key: label}`` dict the workflow table, the search
kinds and the filters already read, and also answers the badge's tone, so a page
never decides a colour by itself and a state without a visible style is caught by
the tests (``tests/core/test_states.py``) instead of showing white on white.
"""
from __future__ import annotations

from dataclasses import dataclass

#: Bootstrap ``text-bg-*`` tones whose text contrasts with the page; ``light`` and
#: ``white`` would be a white badge on a white page, so they are not offered.
VISIBLE_TONES = frozenset({"primary", "secondary", "success", "danger", "warning", "info", "dark"})


@dataclass(frozen=True)
class State:
    key: str
    #: What the state is called on pages, in filters and in reports.
    label: str
    #: Bootstrap tone of its badge (one of VISIBLE_TONES).
    tone: str


class StateMap(dict):
    """``{key: label}`` of a module's states, which also knows each state's badge tone."""

    def __init__(self, *states: State):
        invisible = [s.key for s in states if s.tone not in VISIBLE_TONES]
        if invisible:
            raise ValueError(f"states without a visible tone: {invisible}")
        super().__init__((s.key, s.label) for s in states)
        self._tones = {s.key: s.tone for s in states}

    def label(self, key: str) -> str:
        return self.get(key, key)

    def tone(self, key: str) -> str:
        """The badge tone of ``key``; an unknown key (old data) still shows, in grey."""
        return self._tones.get(key, "secondary")

    def badge_class(self, key: str) -> str:
        return f"text-bg-{self.tone(key)}"
