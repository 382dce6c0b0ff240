"""Objects the access matrix needs for the notification routes (see tests/test_access_matrix.py)."""
from __future__ import annotations


def make_samples(users, document):
    from qms.notifications import calendar_feed, notify

    notes = notify("escalation", "document", document.id, [users["staff"]], "Aviso de muestra")
    return {"notification_id": notes[0].id, "token": calendar_feed.issue(users["staff"])}
