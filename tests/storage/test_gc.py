"""``qms storage gc``: crash leftovers are listed (dry run), removed with --apply when older
than the threshold, recorded in the trail; orphans alone no longer fail ``check``."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.storage import gc, store
from qms.storage.check import check
from qms.storage.cli import storage_group
from qms.trail.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
HOURS_AGO = time.time() - 2 * 3600


def _age(path: Path, when: float = HOURS_AGO) -> Path:
    os.utime(path, (when, when))
    return path


def _orphan(data: bytes, old: bool = True) -> Path:
    path = store.path_for(store.sha256_of(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return _age(path) if old else path


@pytest.fixture
def leftovers(app):
    """Two referenced files, an old orphan, a young orphan, an old temporary file and a stray file."""
    kept = [store.put(f"registrado {i}".encode(), "text/plain").sha256 for i in range(2)]
    db.session.commit()
    for sha256 in kept:
        _age(store.path_for(sha256))  # old but referenced: never touched
    old = _orphan(b"huerfano antiguo")
    young = _age(_orphan(b"huerfano reciente", old=False), time.time() - 1800)
    temporary = store.path_for(kept[0]).parent / ".tmp-abc123"
    temporary.write_bytes(b"escritura interrumpida")
    _age(temporary)
    stray = store.root() / "notas.txt"
    stray.write_bytes(b"no es del almacen")
    _age(stray)
    return {"kept": kept, "old": old, "young": young, "temporary": temporary, "stray": stray}


def _gc(app, *args):
    return app.test_cli_runner().invoke(storage_group, ["gc", *args])


def test_dry_run_lists_and_removes_nothing(app, leftovers):
    result = _gc(app)
    assert result.exit_code == 0, result.output
    assert str(leftovers["old"]) in result.output and str(leftovers["temporary"]) in result.output
    assert str(leftovers["young"]) not in result.output
    assert "Simulación" in result.output and "notas.txt" in result.output
    assert all(p.exists() for k, p in leftovers.items() if k != "kept")
    assert not db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "storage.gc")).first()


def test_apply_removes_old_leftovers_only_and_records_it(app, leftovers):
    result = _gc(app, "--apply")
    assert result.exit_code == 0, result.output
    assert not leftovers["old"].exists() and not leftovers["temporary"].exists()
    assert leftovers["young"].exists() and leftovers["stray"].exists()
    assert all(store.read(sha256) for sha256 in leftovers["kept"])
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "storage.gc")).one()
    assert entry.details["removed"] == 2 and entry.username == "sistema"
    assert any(leftovers["old"].name in name for name in entry.details["files"])
    again = gc.collect(apply=True)
    assert again.leftovers == [] and again.recent == 1


def test_the_age_threshold(app, leftovers):
    assert len(gc.collect(min_age_seconds=3 * 3600).leftovers) == 0  # two hours old: too young
    assert len(gc.collect(min_age_seconds=1).leftovers) == 3  # the young orphan too
    result = _gc(app, "--min-age", "180")
    assert "se eliminarían 0 archivos" in result.output


def test_an_orphan_being_registered_again_is_left_alone(app):
    """A writer storing the same content as an old orphan refreshes it: gc keeps it, and
    the file is there when the row commits."""
    data = b"mismo contenido"
    _orphan(data)
    store.put(data, "text/plain")  # the transaction has not committed yet
    assert gc.collect(apply=True).leftovers == []
    db.session.commit()
    assert store.read(store.sha256_of(data)) == data


def test_check_reports_orphans_as_harmless(app, leftovers):
    result = app.test_cli_runner().invoke(storage_group, ["check"])
    assert result.exit_code == 0, result.output
    assert "HUÉRFANO" in result.output and "inofensivos" in result.output and "storage gc --apply" in result.output
    payload = json.loads(app.test_cli_runner().invoke(storage_group, ["check", "--json"]).output)
    assert payload["intact"] is True and payload["ok"] is False


_CRASHING_WRITER = """
import json, os, signal, sys
from qms import create_app
app = create_app(json.loads(sys.argv[1]))
with app.app_context():
    from qms.storage import store
    store.put(b"escrito justo antes de morir", "text/plain")
    os.kill(os.getpid(), signal.SIGKILL)  # before the commit, as kill -9 during a write
"""


def test_after_kill_9_during_a_write_check_passes_and_gc_cleans_up(app, tmp_path):
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "STORAGE_PATH", "INDEX_PATH",
                                                  "INSTANCE_PATH", "SECRET_KEY", "TRAIL_KEY")}
    db.session.commit()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    crashed = subprocess.run([sys.executable, "-c", _CRASHING_WRITER, json.dumps(settings)], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    leftover = store.path_for(store.sha256_of(b"escrito justo antes de morir"))
    assert leftover.exists()
    report = check(grace_seconds=0)
    assert report.intact and [p.path for p in report.by_kind("orphan")] == [str(leftover)]
    assert gc.collect(apply=True).leftovers == []  # not an hour old yet
    _age(leftover)
    assert [item.path for item in gc.collect(apply=True).leftovers] == [str(leftover)]
    db.session.commit()
    assert check(grace_seconds=0).ok
