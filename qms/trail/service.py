"""Write and verify the audit trail."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa

from qms.core import durable
from qms.extensions import db
from qms.timeutil import system_now
from qms.trail.models import GENESIS_HASH, AuditEntry, TrailHead


def _canonical(entry: AuditEntry) -> bytes:
    """Return the bytes hashed for ``entry``: every field but its own hash."""
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "user_id": entry.user_id,
        "username": entry.username,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _lock_head(session) -> TrailHead:
    head = session.scalar(sa.select(TrailHead).where(TrailHead.id == 1).with_for_update())
    if head is None:
        head = TrailHead(id=1, last_seq=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record(actor, action: str, object_type: str, object_id, label: str = "", details: dict | None = None,
           *, session=None) -> AuditEntry:
    """Append one entry to the chain in the current transaction (or in ``session``'s).

    ``actor`` is a User or None (the system). ``details`` must be JSON-serialisable;
    dates are turned into ISO strings.
    """
    session = session or db.session
    head = _lock_head(session)
    clean_details = json.loads(json.dumps(details or {}, default=str))
    entry = AuditEntry(
        seq=head.last_seq + 1,
        # Microseconds are kept so the stored value hashes the same after a round trip.
        at=system_now(),
        user_id=getattr(actor, "id", None),
        username=getattr(actor, "username", "") or "sistema",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=label[:200],
        details=clean_details,
        prev_hash=head.last_hash,
    )
    entry.entry_hash = compute_hash(entry)
    session.add(entry)
    head.last_seq = entry.seq
    head.last_hash = entry.entry_hash
    session.flush()
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


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 1000) -> ChainReport:
    """Walk the chain in order and return where it first breaks, if anywhere."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch_size)
        ).all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainReport(checked, expected_seq, f"falta la entrada {expected_seq} (siguiente: {entry.seq})")
            if entry.prev_hash != expected_prev:
                return ChainReport(checked, entry.seq, "el enlace con la entrada anterior no coincide")
            if compute_hash(entry) != entry.entry_hash:
                return ChainReport(checked, entry.seq, "el contenido de la entrada fue alterado")
            expected_prev = entry.entry_hash
            expected_seq += 1
            checked += 1
            last_id = entry.id
        db.session.expunge_all()
    head = db.session.get(TrailHead, 1)
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return ChainReport(checked, checked + 1, "faltan entradas al final de la cadena")
    return ChainReport(checked)
