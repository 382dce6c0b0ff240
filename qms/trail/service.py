"""Write the audit trail: ``record`` an entry, ``changes`` between two states.

Entries are chained at commit time (``qms.trail.pending``); verification is in
``qms.trail.verify`` and signed checkpoints in ``qms.trail.checkpoints``.
"""
from __future__ import annotations

import json

from qms.extensions import db
from qms.trail import pending
from qms.trail.chain import ChainReport
from qms.trail.keys import current_key
from qms.trail.models import AuditEntry
from qms.trail.verify import verify_chain

__all__ = ["record", "changes", "verify_chain", "ChainReport"]


def record(actor, action: str, object_type: str, object_id, label: str = "", details: dict | None = None) -> AuditEntry:
    """Add one entry to the trail in the current transaction.

    ``actor`` is a User or None (the system). ``details`` must be JSON-serialisable;
    dates are turned into ISO strings. The entry takes its place in the chain (sequence,
    time, link, keyed hash) when the transaction commits, or when the trail is read
    before that; a rollback discards it.
    """
    clean_details = json.loads(json.dumps(details or {}, default=str))
    entry = AuditEntry(
        user_id=getattr(actor, "id", None),
        username=getattr(actor, "username", "") or "sistema",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=label[:200],
        details=clean_details,
    )
    pending.add(db.session(), entry, current_key())
    return entry


def changes(before: dict, after: dict) -> dict:
    """Return ``{field: [before, after]}`` for the fields whose value differs."""
    keys = list(after) + [key for key in before if key not in after]
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}
