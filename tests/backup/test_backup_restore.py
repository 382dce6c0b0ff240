"""``qms backup`` while writers run, then ``qms restore`` into a fresh instance: same counts,
same file hashes, a verified trail. Damaged backups and non-empty targets are refused."""
import json
import threading

import pytest
import sqlalchemy as sa

from qms.backup import manifest as manifests
from qms.backup.cli import backup_command, restore_command
from qms.backup.manifest import BackupError
from qms.backup.service import backup, restore
from qms.extensions import db
from qms.storage import store
from qms.storage.models import StoredFile
from qms.trail import checkpoints
from qms.trail import service as trail
from qms.trail.models import AuditEntry

WRITERS = 3
MAX_WRITES = 400  # a bound only: the writers stop when the backup is done


@pytest.fixture
def instance(app, users, pg_tools):
    """Some files, trail entries and a checkpoint in the source instance."""
    for i in range(4):
        stored = store.put(f"archivo inicial {i}".encode(), "text/plain")
        trail.record(users["quality"], "test.stored", "file", stored.sha256[:12], f"archivo {i}")
    db.session.commit()
    checkpoints.write()
    return app


def _count(model) -> int:
    value = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    db.session.commit()
    return value


def _writers(app, started: threading.Event, stop: threading.Event, errors: list):
    """Threads that store a new file and record it, each commit on its own session."""

    def write(n):
        try:
            with app.app_context():
                for i in range(MAX_WRITES):
                    if stop.is_set():
                        break
                    stored = store.put(f"escritor {n} archivo {i}".encode(), "text/plain")
                    trail.record(None, "test.stored", "file", stored.sha256[:12], f"escritor {n}")
                    db.session.commit()
                    started.set()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    return [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]


def test_backup_while_writing_then_restore_into_a_fresh_instance(instance, target_app, tmp_path, monkeypatch):
    from qms.backup import service

    db.session.commit()
    before_files, before_entries = _count(StoredFile), _count(AuditEntry)
    started, stop, errors = threading.Event(), threading.Event(), []
    threads = _writers(instance, started, stop, errors)
    for thread in threads:
        thread.start()
    started.wait(timeout=60)
    copy_stored = service._copy_stored

    def copy_after_another_commit(*args):
        # Between the snapshot and the copy of the files, writers commit more files and entries.
        started.clear()
        started.wait(timeout=60)
        return copy_stored(*args)

    monkeypatch.setattr(service, "_copy_stored", copy_after_another_commit)
    try:
        result = backup(tmp_path / "respaldo")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == [] and result.problems == []
    taken = result.manifest
    assert before_files <= taken["counts"]["stored_files"] < _count(StoredFile)
    assert before_entries <= taken["trail_head"]["seq"] <= _count(AuditEntry)
    assert taken["counts"]["audit_entries"] == taken["trail_head"]["seq"]
    stored_in_backup = [name for name in taken["files"] if name.startswith("storage/")]
    assert len(stored_in_backup) == taken["counts"]["stored_files"]
    assert {"keys/secret_key", "keys/trail_key", "trail_checkpoints/checkpoints.jsonl"} <= set(taken["files"])

    with target_app.app_context():
        report = restore(result.folder)
        assert report.ok, report.problems
        restored = manifests.read_facts(lambda sql: db.session.execute(sa.text(sql)).all())
        db.session.commit()
        assert restored.counts == taken["counts"] and restored.trail_head == taken["trail_head"]
        for name in stored_in_backup:
            sha256 = taken["files"][name]
            assert manifests.sha256_file(store.path_for(sha256)) == sha256
        verified = trail.verify_chain()
        assert verified.ok and verified.checked == taken["trail_head"]["seq"] and verified.checkpoints == 1
        assert target_app.config["TRAIL_KEY"] == instance.config["TRAIL_KEY"]
        from qms.search import maintenance

        assert maintenance.check().is_clean


def test_a_non_empty_target_is_refused(instance, tmp_path):
    result = backup(tmp_path / "respaldo")
    with pytest.raises(BackupError, match="no está vacía"):
        restore(result.folder)


def test_a_damaged_backup_is_refused_before_anything_is_written(instance, target_app, tmp_path):
    result = backup(tmp_path / "respaldo")
    damaged = next(result.folder / name for name in result.manifest["files"] if name.startswith("storage/"))
    damaged.chmod(0o600)
    damaged.write_bytes(b"otro contenido")
    with target_app.app_context():
        with pytest.raises(BackupError, match="dañado"):
            restore(result.folder)
        from qms.backup import database

        assert database.is_empty()


def test_the_cli_backs_up_and_restores_and_fails_on_a_difference(instance, target_app, tmp_path):
    folder = tmp_path / "respaldo"
    result = instance.test_cli_runner().invoke(backup_command, [str(folder)])
    assert result.exit_code == 0, result.output
    assert "Respaldo en" in result.output
    again = instance.test_cli_runner().invoke(backup_command, [str(folder)])
    assert again.exit_code == 1 and "no está vacía" in again.output
    # A manifest that no longer matches what the database holds: the restore says so.
    taken = manifests.read(folder)
    taken["counts"]["users"] += 1
    manifests.write(folder, taken)
    with target_app.app_context():
        restored = target_app.test_cli_runner().invoke(restore_command, [str(folder)])
    assert restored.exit_code == 1 and "tabla users" in restored.output, restored.output


def test_a_missing_pg_dump_is_a_clear_error(monkeypatch):
    from qms.backup import database

    monkeypatch.setattr(database.shutil, "which", lambda name: None)
    monkeypatch.setattr(database.glob, "glob", lambda pattern: [])
    with pytest.raises(BackupError, match="No se encontró pg_dump.*postgresql-client-15"):
        database.find_tool("pg_dump", 15)


def test_the_manifest_lists_what_was_copied(instance, tmp_path):
    result = backup(tmp_path / "respaldo")
    on_disk = json.loads((result.folder / "manifest.json").read_text())
    assert on_disk["app_version"] and on_disk["database"]["engine"] == db.engine.dialect.name
    for name, sha256 in on_disk["files"].items():
        assert manifests.sha256_file(result.folder / name) == sha256
    assert (result.folder / "keys" / "trail_key").stat().st_mode & 0o077 == 0
