"""Helpers of the trail tests: write entries, and tamper with the tables as an intruder would."""
from __future__ import annotations

import sqlalchemy as sa

from qms.extensions import db
from qms.trail import chain, rows
from qms.trail import service as trail


def write_entries(actor, count=5):
    """Record ``count`` entries in one committed transaction."""
    for i in range(count):
        trail.record(actor, "test.event", "thing", i, f"cosa {i}", {"n": i, "texto": "ñandú & <x>"})
    db.session.commit()


def raw(sql, **params):
    """Change the database behind the application's back, as a tamperer would."""
    db.session.commit()  # end the session's transaction: SQLite lets one writer at a time
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)
    db.session.expire_all()


def head_seq() -> int:
    head, _top = rows.head_snapshot(db.session)
    db.session.commit()  # on SQLite even a read holds the write lock until the transaction ends
    return head.seq


def all_fields() -> list[dict]:
    found = list(rows.entries(db.session))
    db.session.commit()
    return found


def rewrite_from(seq: int, change, version: int | None = None, until: int | None = None) -> None:
    """Rewrite entry ``seq`` with ``change(fields)`` and recompute the chain from there with
    the public hash (``chain.legacy_hash``), then move the head: all an intruder without
    the key can do. ``version`` also relabels the rewritten entries (1: "legacy");
    ``until`` stops the rewrite there and leaves the later entries and the head alone."""
    db.session.commit()
    entries = all_fields()
    prev = next((e["entry_hash"] for e in entries if e["seq"] == seq - 1), chain.GENESIS_HASH)
    with db.engine.begin() as conn:
        for entry in (e for e in entries if e["seq"] >= seq and (until is None or e["seq"] <= until)):
            if entry["seq"] == seq:
                change(entry)
            entry["prev_hash"] = prev
            entry["chain_version"] = version or entry["chain_version"]
            new_hash = chain.legacy_hash(entry)
            conn.execute(sa.text("UPDATE audit_entries SET object_label = :label, prev_hash = :prev, "
                                 "entry_hash = :hash, chain_version = :version WHERE seq = :seq"),
                         {"label": entry["object_label"], "prev": prev, "hash": new_hash,
                          "version": entry["chain_version"], "seq": entry["seq"]})
            prev = new_hash
        if until is None:
            conn.execute(sa.text("UPDATE trail_head SET last_hash = :hash WHERE id = 1"), {"hash": prev})
    db.session.expire_all()
