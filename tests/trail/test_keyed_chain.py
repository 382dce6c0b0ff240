"""The keyed chain: entries appended at commit, HMAC with a key outside the database,
legacy entries still verifying, signed checkpoints, and the export checked offline."""
import json
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.trail import chain, checkpoints
from qms.trail import service as trail
from qms.trail.cli import audit_log_group
from qms.trail.models import AuditEntry, TrailHead

from .helpers import all_fields, head_seq, rewrite_from, write_entries

CHAIN_SCRIPT = Path(chain.__file__)


# --- appending at commit -------------------------------------------------------------

def test_the_head_is_locked_only_by_the_last_statements_before_commit(app, users, process):
    """Work done after ``record`` (more updates) runs before the trail statements."""
    statements = []

    def collect(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", collect)
    try:
        process.name = "Gestión Territorial y Regional"
        db.session.flush()
        trail.record(users["quality"], "process.updated", "process", process.id, process.code, {})
        process.name = "Gestión Territorial"  # more work between the record and the commit
        db.session.flush()
        db.session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", collect)
    trail_at = [i for i, sql in enumerate(statements) if "trail_head" in sql or "audit_entries" in sql]
    other_at = [i for i, sql in enumerate(statements) if "processes" in sql]
    assert trail_at and other_at and min(trail_at) > max(other_at)


def test_a_rolled_back_transaction_leaves_no_entry(app, users):
    before = head_seq()
    trail.record(users["quality"], "test.event", "thing", 1, "cosa")
    db.session.rollback()
    db.session.commit()
    assert head_seq() == before and trail.verify_chain().ok


def test_entries_are_readable_before_the_commit(app, users):
    trail.record(users["quality"], "test.readable", "thing", 7, "cosa")
    found = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "test.readable")).one()
    assert found.seq is not None and found.chain_version == chain.KEYED
    db.session.commit()
    assert trail.verify_chain().ok


def test_sequence_and_time_follow_each_other(app, users):
    write_entries(users["quality"], 4)
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(a.at <= b.at for a, b in zip(entries, entries[1:]))


def test_concurrent_writers_keep_one_unbroken_chain(app, users):
    """Writers in their own sessions commit at the same time; the chain never forks."""
    errors, per_thread, threads = [], 5, 4
    user_ids = [u.id for u in users.values()]
    db.session.commit()

    def writer(n):
        try:
            with app.app_context():
                from qms.auth.models import User

                actor = db.session.get(User, user_ids[n])
                for i in range(per_thread):
                    trail.record(actor, "test.concurrent", "thing", f"{n}-{i}", "cosa")
                    db.session.commit()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    before = head_seq()
    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert head_seq() == before + per_thread * threads
    report = trail.verify_chain()
    assert report.ok and report.checked == head_seq()


# --- the key ---------------------------------------------------------------------------

def test_new_entries_are_keyed_and_need_the_key(app, users):
    write_entries(users["quality"], 3)
    report = trail.verify_chain()
    assert report.ok and report.keyed == report.checked
    wrong = trail.verify_chain(key=b"otra-clave")
    assert not wrong.ok and wrong.broken_at == 1 and "clave" in wrong.reason


def _legacy_entries(count):
    """Insert entries the way the trail wrote them before it had a key (version 1)."""
    prev, rows = chain.GENESIS_HASH, []
    for seq in range(1, count + 1):
        fields = {"seq": seq, "at": f"2025-03-0{seq}T12:00:00.000000+00:00", "user_id": None,
                  "username": "sistema", "action": "legacy.event", "object_type": "thing", "object_id": str(seq),
                  "object_label": f"antigua {seq}", "details": {"n": seq}, "prev_hash": prev}
        fields["entry_hash"] = chain.legacy_hash(fields)
        rows.append(fields)
        prev = fields["entry_hash"]
    with db.engine.begin() as conn:
        for fields in rows:
            conn.execute(sa.insert(AuditEntry.__table__).values(
                {**fields, "at": datetime.fromisoformat(fields["at"]), "chain_version": chain.LEGACY}))
        conn.execute(sa.insert(TrailHead.__table__).values(id=1, last_seq=count, last_hash=prev))


def test_a_chain_written_before_the_key_still_verifies_and_continues_keyed(app):
    db.session.commit()
    _legacy_entries(3)
    assert trail.verify_chain().ok
    trail.record(None, "test.event", "thing", 1, "nueva")
    db.session.commit()
    report = trail.verify_chain()
    assert report.ok and report.checked == 4 and report.keyed == 1
    assert [e["chain_version"] for e in all_fields()] == [1, 1, 1, 2]


def test_legacy_entries_cannot_be_rewritten_behind_a_keyed_one(app):
    """The first keyed entry links to the legacy ones: recomputing them breaks that link."""
    db.session.commit()
    _legacy_entries(3)
    trail.record(None, "test.event", "thing", 1, "nueva")
    db.session.commit()
    rewrite_from(2, lambda entry: entry.update(object_label="falsificada"), until=3)
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == 4 and "enlace" in report.reason


# --- checkpoints -------------------------------------------------------------------------

def test_checkpoints_are_signed_lines_outside_the_database(app):
    assert "no tiene entradas" in checkpoints.write().skipped
    assert not checkpoints.log_path().read_text()
    write_entries(None, 2)
    written = checkpoints.write().checkpoint
    assert written["seq"] == head_seq() and chain.checkpoint_is_genuine(written, chain.key_bytes(app.config["TRAIL_KEY"]))
    assert Path(app.config["TRAIL_CHECKPOINT_PATH"]) in checkpoints.log_path().parents
    assert "no hay entradas nuevas" in checkpoints.write().skipped
    write_entries(None, 1)
    assert "reciente" in checkpoints.write(max_age=timedelta(days=1)).skipped
    assert checkpoints.write().checkpoint["seq"] == head_seq()
    lines = checkpoints.log_path().read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["mac"] for line in lines)


def test_the_checkpoint_path_is_configurable(app, users, tmp_path):
    app.config["TRAIL_CHECKPOINT_PATH"] = str(tmp_path / "elsewhere")
    write_entries(users["quality"], 1)
    checkpoints.write()
    assert (tmp_path / "elsewhere" / checkpoints.FILE_NAME).exists()


def test_cli_checkpoint_and_tick_write_one(app, users):
    from qms.cli import tick_command

    runner = app.test_cli_runner()
    write_entries(users["quality"], 1)
    result = runner.invoke(audit_log_group, ["checkpoint"])
    assert result.exit_code == 0 and "Punto de control firmado" in result.output, result.output
    write_entries(users["quality"], 1)
    result = runner.invoke(tick_command)
    assert result.exit_code == 0 and "Punto de control firmado" in result.output, result.output
    assert checkpoints.last()["seq"] == head_seq()


def test_the_web_application_checkpoints_at_most_daily(app, client, users):
    app.config.pop("TESTING_DISABLE_TICK", None)
    client.get("/ingresar")
    first = checkpoints.last()
    assert first is not None and first["seq"] == head_seq()
    write_entries(users["quality"], 2)
    app.extensions["qms_last_tick"] = 0  # the next request runs the tick again
    client.get("/ingresar")
    assert checkpoints.last() == first  # not a day old yet


# --- export ------------------------------------------------------------------------------

def _offline(*args):
    """Run the auditor's check: the chain module alone, without site-packages (-S) or qms (-I)."""
    return subprocess.run([sys.executable, "-I", "-S", str(CHAIN_SCRIPT), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_the_export_verifies_offline_with_the_key(app, users, tmp_path):
    write_entries(users["quality"], 3)
    checkpoints.write()
    write_entries(users["quality"], 2)
    out = tmp_path / "bitacora.jsonl"
    result = app.test_cli_runner().invoke(audit_log_group, ["export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["head"]["seq"] == head_seq() == len(lines) - 1
    assert header["checkpoint"]["seq"] == head_seq() - 2
    key_file = tmp_path / "trail_key"
    key_file.write_text(app.config["TRAIL_KEY"])

    ok = _offline(out, "--key-file", key_file)
    assert ok.returncode == 0 and "íntegra" in ok.stdout, ok.stdout + ok.stderr
    wrong_key = tmp_path / "otra"
    wrong_key.write_text("otra-clave")
    assert _offline(out, "--key-file", wrong_key).returncode == 1

    tampered = tmp_path / "alterada.jsonl"
    entry = json.loads(lines[3])
    entry["object_label"] = "falsificado"
    tampered.write_text("\n".join([*lines[:3], json.dumps(entry), *lines[4:]]) + "\n", encoding="utf-8")
    bad = _offline(tampered, "--key-file", key_file)
    assert bad.returncode == 1 and f"entrada {entry['seq']}" in bad.stdout

    cut = tmp_path / "cortada.jsonl"
    cut.write_text("\n".join([json.dumps({**header, "head": None}), *lines[1:3]]) + "\n", encoding="utf-8")
    short = _offline(cut, "--key-file", key_file)
    assert short.returncode == 1 and "faltan las entradas 3 a" in short.stdout


def test_the_auditor_can_bring_checkpoints_received_earlier(app, users, tmp_path):
    write_entries(users["quality"], 3)
    checkpoints.write()
    received = tmp_path / "recibidos.jsonl"
    received.write_text(checkpoints.log_path().read_text())
    out = tmp_path / "bitacora.jsonl"
    app.test_cli_runner().invoke(audit_log_group, ["export", "-o", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    # An export made after the tail was cut, without the checkpoint in its header.
    header = json.loads(lines[0])
    last = json.loads(lines[-2])
    cut = tmp_path / "cortada.jsonl"
    cut.write_text("\n".join([json.dumps({**header, "checkpoint": None,
                                          "head": {"seq": last["seq"], "hash": last["entry_hash"]}}),
                              *lines[1:-1]]) + "\n", encoding="utf-8")
    key_file = tmp_path / "trail_key"
    key_file.write_text(app.config["TRAIL_KEY"])
    assert _offline(cut, "--key-file", key_file).returncode == 0
    caught = _offline(cut, "--key-file", key_file, "--checkpoints", received)
    assert caught.returncode == 1 and "punto de control" in caught.stdout


def test_export_to_standard_output(app, users):
    write_entries(users["quality"], 2)
    result = app.test_cli_runner().invoke(audit_log_group, ["export"])
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["format"] == chain.EXPORT_FORMAT


@pytest.mark.parametrize("broken", ["no es json", json.dumps({"format": "otra"})])
def test_the_offline_check_rejects_what_is_not_an_export(tmp_path, broken):
    path = tmp_path / "x.jsonl"
    path.write_text(broken + "\n")
    key_file = tmp_path / "k"
    key_file.write_text("k")
    result = _offline(path, "--key-file", key_file)
    assert result.returncode == 1 and "inválida" in result.stderr


def test_a_rolled_back_savepoint_takes_its_entries_along(app, users):
    before = head_seq()
    trail.record(users["quality"], "test.kept", "thing", 1, "se queda")
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            trail.record(users["quality"], "test.dropped", "thing", 2, "se va")
            raise RuntimeError("falla dentro del savepoint")
    with db.session.begin_nested():
        trail.record(users["quality"], "test.kept", "thing", 3, "se queda")
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.seq > before)
                                 .order_by(AuditEntry.seq)).all()
    assert actions == ["test.kept", "test.kept"] and trail.verify_chain().ok
