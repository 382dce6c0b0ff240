"""The chain of the audit trail: how an entry is hashed and how a chain is verified.

This file uses only the Python standard library and imports nothing from ``qms``, so an
external auditor can copy it alone and verify an export offline::

    python3 chain.py bitacora.jsonl --key-file trail_key [--checkpoints checkpoints.jsonl]

The application uses the same functions on the rows of the database (``qms.trail.verify``),
so the database and an export are judged by exactly one set of rules.

Chain versions. Every entry names the rule that hashed it:

* ``1`` (entries written before the trail had a key): SHA-256 of the canonical JSON.
  Anyone can recompute it, so on its own it proves no more than consistency;
* ``2``: HMAC-SHA256 of the canonical JSON (which includes the version) with the trail
  key, kept outside the database. Rewriting a row needs the key.

A chain may start with version-1 entries and switch to version 2 once; a version-1 entry
after a version-2 one is a rewrite (someone recomputed the tail with the public hash).

Checkpoints are signed statements, written outside the database, that entry ``seq`` had
hash ``hash`` at time ``at``. They catch what the chain alone cannot: a tail cut off (and
the head row moved back), or the whole chain recomputed with the public hash.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Iterable, Iterator

GENESIS_HASH = "0" * 64
LEGACY = 1
KEYED = 2
#: The version every new entry is written with.
CURRENT_VERSION = KEYED
EXPORT_FORMAT = "qms-trail-export/1"

#: The fields an entry's hash covers, besides its version (for version 2).
FIELDS = ("seq", "at", "user_id", "username", "action", "object_type", "object_id", "object_label",
          "details", "prev_hash")
#: Domain-separation prefixes: an entry MAC can never pass for a checkpoint MAC.
_ENTRY_PREFIX = b"qms-trail-entry\n"
_CHECKPOINT_PREFIX = b"qms-trail-checkpoint\n"


def _json(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def canonical(fields: dict, version: int) -> bytes:
    """Return the bytes hashed for an entry: every field but its own hash.

    Version 1 keeps the original payload byte for byte, so old chains still verify.
    """
    payload = {name: fields[name] for name in FIELDS}
    if version != LEGACY:
        payload["chain_version"] = version
    return _json(payload)


def legacy_hash(fields: dict) -> str:
    """The public hash of version 1: SHA-256 of the canonical JSON (no key)."""
    return hashlib.sha256(canonical(fields, LEGACY)).hexdigest()


def entry_hash(fields: dict, version: int, key: bytes) -> str:
    """Return the hash of an entry under its chain ``version``."""
    if version == LEGACY:
        return legacy_hash(fields)
    if version == KEYED:
        return hmac.new(key, _ENTRY_PREFIX + canonical(fields, version), hashlib.sha256).hexdigest()
    raise ValueError(f"versión de cadena desconocida: {version}")


def key_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else key.strip().encode()


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key: tells "another key" apart from "altered"."""
    return hashlib.sha256(b"qms-trail-key-id\n" + key).hexdigest()[:16]


def sign_checkpoint(seq: int, hash_: str, at: str, key: bytes) -> dict:
    """Return a checkpoint: entry ``seq`` had ``hash_`` at ``at`` (ISO time), signed."""
    body = {"seq": seq, "hash": hash_, "at": at, "key_id": key_id(key)}
    return {**body, "mac": hmac.new(key, _CHECKPOINT_PREFIX + _json(body), hashlib.sha256).hexdigest()}


def checkpoint_is_genuine(checkpoint: dict, key: bytes) -> bool:
    try:
        expected = sign_checkpoint(int(checkpoint["seq"]), checkpoint["hash"], checkpoint["at"], key)
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(expected["mac"], str(checkpoint.get("mac", "")))


@dataclass
class ChainReport:
    """What a verification found: ``broken_at`` is the first bad entry (or the first missing)."""

    checked: int = 0
    broken_at: int | None = None
    reason: str = ""
    keyed: int = 0
    checkpoints: int = 0
    last_checkpoint: dict | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def fail(self, seq: int, reason: str) -> "ChainReport":
        self.broken_at, self.reason = seq, reason
        return self


def _missing(first: int, last: int) -> str:
    return f"falta la entrada {first}" if first == last else f"faltan las entradas {first} a {last}"


@dataclass
class ChainWalker:
    """Verify entries fed in order, against the key and the signed checkpoints.

    ``checkpoints`` maps a sequence to its checkpoint; they must be genuine already
    (``load_checkpoints`` checks their signatures).
    """

    key: bytes
    checkpoints: dict[int, dict] = field(default_factory=dict)
    report: ChainReport = field(default_factory=ChainReport)
    expected_seq: int = 1
    expected_prev: str = GENESIS_HASH
    highest_version: int = LEGACY

    def __post_init__(self):
        self.report.checkpoints = len(self.checkpoints)
        if self.checkpoints:
            self.report.last_checkpoint = self.checkpoints[max(self.checkpoints)]

    def feed(self, entry: dict) -> bool:
        """Check one entry; return False (and fill the report) at the first problem."""
        seq, version = entry["seq"], entry.get("chain_version", LEGACY)
        if seq != self.expected_seq:
            if seq < self.expected_seq:
                self.report.fail(seq, f"la entrada {seq} aparece dos veces o fuera de orden")
            else:
                self.report.fail(self.expected_seq, f"{_missing(self.expected_seq, seq - 1)} (siguiente: {seq})")
            return False
        if entry["prev_hash"] != self.expected_prev:
            self.report.fail(seq, "el enlace con la entrada anterior no coincide")
            return False
        if version not in (LEGACY, KEYED):
            self.report.fail(seq, f"versión de cadena desconocida ({version})")
            return False
        if version < self.highest_version:
            self.report.fail(seq, "entrada sin clave después de entradas con clave: la cadena se recalculó "
                                  "con el hash público")
            return False
        if not hmac.compare_digest(entry_hash(entry, version, self.key), entry["entry_hash"]):
            self.report.fail(seq, "el contenido de la entrada fue alterado" + (
                " (o la clave de la bitácora no es la que la firmó)" if version == KEYED else ""))
            return False
        checkpoint = self.checkpoints.get(seq)
        if checkpoint is not None and checkpoint["hash"] != entry["entry_hash"]:
            self.report.fail(seq, f"no coincide con el punto de control firmado el {checkpoint['at']}: "
                                  "la entrada fue reescrita")
            return False
        self.highest_version = version
        self.expected_prev = entry["entry_hash"]
        self.expected_seq += 1
        self.report.checked += 1
        self.report.keyed += version == KEYED
        return True

    def finish(self, head: tuple[int, str] | None, entries_after_head: bool = False) -> ChainReport:
        """Compare what was walked with the head row (``None``: missing) and the checkpoints."""
        report, last = self.report, self.expected_seq - 1
        if not report.ok:
            return report
        if self.checkpoints and max(self.checkpoints) > last:
            top = max(self.checkpoints)
            return report.fail(last + 1, f"{_missing(last + 1, top)}: el punto de control firmado el "
                                         f"{self.checkpoints[top]['at']} registra {top} entradas")
        if head is None:
            if last or self.checkpoints:
                return report.fail(last + 1, "falta la cabeza de la cadena (trail_head) aunque hay entradas "
                                             "o puntos de control: la bitácora fue vaciada o manipulada")
            return report
        head_seq, head_hash = head
        if head_seq > last:
            return report.fail(last + 1, f"{_missing(last + 1, head_seq)} (la cabeza de la cadena está en {head_seq})")
        if head_seq < last or entries_after_head:
            return report.fail(head_seq + 1, f"hay entradas después de la cabeza de la cadena ({head_seq})")
        if head_hash != self.expected_prev:
            return report.fail(head_seq, "la cabeza de la cadena no coincide con la última entrada")
        return report


def verify_entries(entries: Iterable[dict], key: bytes, checkpoints: dict[int, dict],
                   head: tuple[int, str] | None, entries_after_head: bool = False) -> ChainReport:
    """Walk ``entries`` (in order) and judge them against ``head`` and ``checkpoints``."""
    walker = ChainWalker(key, checkpoints)
    for entry in entries:
        if not walker.feed(entry):
            return walker.report
    return walker.finish(head, entries_after_head)


class CheckpointError(ValueError):
    """A checkpoint line is unreadable or its signature is wrong."""


def parse_checkpoints(lines: Iterable[str], key: bytes, source: str = "") -> dict[int, dict]:
    """Return the genuine checkpoints of JSON lines by sequence; raise CheckpointError otherwise."""
    found: dict[int, dict] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source} línea {number}" if source else f"línea {number}"
        try:
            checkpoint = json.loads(line)
        except ValueError:
            raise CheckpointError(f"punto de control ilegible ({where})") from None
        if not checkpoint_is_genuine(checkpoint, key):
            other = checkpoint.get("key_id") != key_id(key) if isinstance(checkpoint, dict) else False
            raise CheckpointError(f"punto de control con firma inválida ({where})"
                                  + (": fue firmado con otra clave" if other else ""))
        seq = int(checkpoint["seq"])
        if seq in found and found[seq]["hash"] != checkpoint["hash"]:
            raise CheckpointError(f"dos puntos de control contradictorios para la entrada {seq} ({where})")
        found[seq] = checkpoint
    return found


def read_export(lines: Iterable[str]) -> tuple[dict, Iterator[dict]]:
    """Split an export into its header (head, last checkpoint) and its entries (lazily)."""
    lines = iter(lines)
    header = json.loads(next(lines, "{}") or "{}")
    if header.get("format") != EXPORT_FORMAT:
        raise ValueError(f"no es una exportación de bitácora ({EXPORT_FORMAT})")

    def entries():
        for line in lines:
            if line.strip():
                item = json.loads(line)
                item.pop("type", None)
                yield item

    return header, entries()


def verify_export(lines: Iterable[str], key: bytes, extra_checkpoints: Iterable[str] = ()) -> ChainReport:
    """Verify an export of ``qms audit-log export`` offline, given the trail key.

    The last checkpoint carried in the export's header is checked, and so are any
    checkpoints the auditor received separately (``extra_checkpoints``, JSON lines).
    """
    header, entries = read_export(lines)
    carried = [json.dumps(header["checkpoint"])] if header.get("checkpoint") else []
    checkpoints = parse_checkpoints([*carried, *extra_checkpoints], key, "puntos de control")
    head = header.get("head")
    return verify_entries(entries, key, checkpoints, (int(head["seq"]), head["hash"]) if head else None)


def main(argv: list[str] | None = None) -> int:
    """Offline verification of an export: exit 0 if intact, 1 naming the first problem."""
    parser = argparse.ArgumentParser(description="Verifica sin conexión una exportación de la bitácora de QMS.")
    parser.add_argument("export", help="archivo de `qms audit-log export` (JSON lines)")
    parser.add_argument("--key-file", help="archivo con la clave de la bitácora (por omisión: $QMS_TRAIL_KEY)")
    parser.add_argument("--checkpoints", help="puntos de control recibidos por separado (JSON lines)")
    args = parser.parse_args(argv)
    if args.key_file:
        with open(args.key_file, encoding="utf-8") as handle:
            key = key_bytes(handle.read())
    elif os.environ.get("QMS_TRAIL_KEY"):
        key = key_bytes(os.environ["QMS_TRAIL_KEY"])
    else:
        parser.error("indique --key-file o defina QMS_TRAIL_KEY")
    extra: list[str] = []
    if args.checkpoints:
        with open(args.checkpoints, encoding="utf-8") as handle:
            extra = handle.readlines()
    try:
        with open(args.export, encoding="utf-8") as handle:
            report = verify_export(handle, key, extra)
    except (ValueError, CheckpointError) as error:
        print(f"Exportación inválida: {error}", file=sys.stderr)
        return 1
    print(describe(report))
    return 0 if report.ok else 1


def describe(report: ChainReport, when=str) -> str:
    """One Spanish sentence for a report (the CLI and the offline check share it).

    ``when`` formats the ISO time of a checkpoint (the CLI shows local time).
    """
    if not report.ok:
        if report.broken_at == 0:
            return f"Puntos de control de la bitácora no válidos: {report.reason}."
        return (f"Bitácora alterada en la entrada {report.broken_at}: {report.reason} "
                f"({report.checked} entradas válidas antes).")
    text = f"Bitácora íntegra: {report.checked} entradas verificadas ({report.keyed} con clave)"
    if report.last_checkpoint:
        count = "1 punto" if report.checkpoints == 1 else f"{report.checkpoints} puntos"
        text += (f"; {count} de control, el último en la entrada "
                 f"{report.last_checkpoint['seq']} ({when(report.last_checkpoint['at'])})")
    else:
        text += "; sin puntos de control todavía"
    return text + "."


if __name__ == "__main__":
    sys.exit(main())
