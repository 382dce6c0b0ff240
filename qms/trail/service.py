"""Write the audit trail: ``record`` an entry, ``changes`` between two states.

Entries are chained at commit time (``qms.trail.pending``); verification is in
``qms.trail.verify`` and signed checkpoints in ``qms.trail.checkpoints``.
"""
from __future__ import annotations

import json
from types import SimpleNamespace

from qms.core import durable
from qms.extensions import db
from qms.trail import pending
from qms.trail.chain import ChainReport
from qms.trail.keys import current_key
from qms.trail.models import AuditEntry
from qms.trail.verify import verify_chain

__all__ = ["record", "record_outside", "changes", "verify_chain", "ChainReport"]


def record(actor, action: str, object_type: str, object_id, label: str = "", details: dict | None = None,
           *, session=None) -> AuditEntry:
    """Add one entry to the trail in the current transaction (or in ``session``'s).

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
    pending.add(session or db.session(), entry, current_key())
    return entry


def record_outside(actor, action: str, object_type: str, object_id, label: str = "",
                   details: dict | None = None) -> None:
    """Append an entry that survives the caller's transaction, even when it is rolled back.

    For the facts about a refusal (a wrong password, a forbidden page): the entry is
    chained in a short transaction of its own once the caller's has ended (see
    ``qms.core.durable``), so the chain stays one line. The actor and the details are
    copied now, while they can still be read.
    """
    who = SimpleNamespace(id=getattr(actor, "id", None), username=getattr(actor, "username", "") or "")
    clean_details = json.loads(json.dumps(details or {}, default=str))
    durable.after_transaction(
        lambda session: record(who, action, object_type, object_id, label, clean_details, session=session))


def changes(before: dict, after: dict) -> dict:
    """Return ``{field: [before, after]}`` for the fields whose value differs."""
    keys = list(after) + [key for key in before if key not in after]
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}
