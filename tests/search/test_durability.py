"""The durable queue, locking, rebuild and degraded mode."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from qms import search
from qms.extensions import db
from qms.search import maintenance, store
from qms.search.models import IndexJob
from qms.search.queue import sync
from tests.search.conftest import codes


def jobs():
    return db.session.scalars(sa.select(IndexJob)).all()


def index_root(app) -> Path:
    return Path(app.config["INDEX_PATH"])


@pytest.fixture
def app_overrides():
    return {"SEARCH_LOCK_WAIT": 0.05}


def test_job_commits_with_the_change_and_is_removed_once_indexed(corpus, users, search_as):
    assert jobs() == []  # every commit so far was applied
    search.queue_index("document", corpus["control"].versions[0].id)
    assert len(jobs()) == 1  # pending in this transaction
    db.session.commit()
    assert jobs() == []


def test_rolled_back_change_leaves_no_job(corpus):
    search.queue_index("document", 999)
    db.session.rollback()
    assert jobs() == []


def test_crash_between_commit_and_index_keeps_the_job(app, corpus, make_doc, users, search_as):
    """GIVEN the process dies right after the database commit (simulated: hook off)
    THEN the job stays in the table, and ``sync`` makes the document searchable."""
    app.config["SEARCH_ENABLED"] = False
    make_doc("Manual de contingencias sísmicas", "effective")
    assert [j.kind for j in jobs()] and search_as(users["staff"], "sísmicas").total == 0
    app.config["SEARCH_ENABLED"] = True
    report = sync()
    assert report.applied >= 1 and jobs() == []
    assert search_as(users["staff"], "sismica").total == 1


def test_failed_index_write_keeps_job_and_never_reaches_the_user(app, corpus, make_doc, users, monkeypatch):
    from qms.search import writer

    def broken(*args, **kwargs):
        raise OSError("disco lleno")

    monkeypatch.setattr(writer, "write", broken)
    make_doc("Plan de emergencias", "effective")  # commits without raising
    pending = jobs()
    assert pending and pending[0].attempts == 1 and "disco lleno" in pending[0].last_error
    monkeypatch.undo()
    assert sync().applied >= 1 and jobs() == []


def test_lock_held_elsewhere_leaves_jobs_queued_without_error(app, corpus, make_doc, users, search_as):
    with store.write_lock(index_root(app), timeout=0) as locked:
        assert locked
        make_doc("Instructivo de teletrabajo", "effective")  # waits 0.05 s, then gives up
        assert {j.kind for j in jobs()} == {"document"}
        assert search_as(users["staff"], "teletrabajo").total == 0
    assert sync().applied >= 1 and jobs() == []
    assert search_as(users["staff"], "teletrabajo").total == 1


def test_stale_lock_from_a_killed_process_does_not_block(app, corpus, make_doc, users, search_as):
    root = index_root(app)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
         str(root / store.LOCK_FILE)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    (store.current_generation(root) / "MAIN_WRITELOCK").write_text("")  # Whoosh's own, left behind
    assert (root / store.LOCK_FILE).exists()
    make_doc("Procedimiento de bodega", "effective")
    assert jobs() == []
    assert search_as(users["staff"], "bodega").total == 1


def test_two_processes_writing_at_once(app, corpus, users, search_as, database_url):
    """GIVEN two processes creating and committing documents at the same time
    THEN neither fails, and once the queue is drained every document is in the index."""
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "INDEX_PATH", "STORAGE_PATH", "SECRET_KEY",
                                         "SEARCH_BACKEND")}
    config.update(INSTANCE_PATH=str(index_root(app).parent / "instance"), SEARCH_LOCK_WAIT=0.2, TESTING=True)
    root_dir = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.search._writer_proc", json.dumps(config), name, "6"],
                         cwd=root_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("alfa", "beta")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
    sync()
    db.session.expire_all()
    assert jobs() == []
    assert search_as(users["quality"], "alfa concurrente").total == 6
    assert search_as(users["quality"], "beta concurrente").total == 6


def test_rebuild_swaps_a_fresh_generation(app, corpus, users, search_as):
    root = index_root(app)
    before = store.current_generation(root)
    stats = maintenance.rebuild()
    after = store.current_generation(root)
    assert after != before and stats["total"] == 5
    assert (root / store.CURRENT).is_symlink()
    assert codes(search_as(users["staff"], "capacitaciones")) == [corpus["capacitacion"].code]
    maintenance.rebuild()
    assert not before.exists()  # pruned once two newer generations exist
    assert maintenance.check().is_clean


def test_truncated_index_degrades_then_rebuild_restores(app, corpus, users, search_as, client, login):
    gen = store.current_generation(index_root(app))
    for path in gen.iterdir():
        if path.suffix in (".seg", ".trm", ".pst", ".toc") or path.name.endswith(".seg"):
            path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 3)])
    result = search_as(users["staff"], "capacitación")
    assert result.is_degraded and result.notice
    assert [h.code for h in result.hits] == [corpus["capacitacion"].code]  # database fallback
    login("staff")
    page = client.get("/buscar?q=capacitación&buscar=1")
    assert page.status_code == 200 and "data-search-degraded" in page.get_data(as_text=True)
    assert not maintenance.check().is_clean
    maintenance.rebuild()
    assert not search_as(users["staff"], "capacitaciones").is_degraded


def test_missing_index_degrades(app, corpus, users, search_as):
    import shutil

    shutil.rmtree(index_root(app))
    result = search_as(users["staff"], "Procedimiento")
    assert result.is_degraded and result.total == 2
    assert "borrador" not in {h.state for h in result.hits}
    assert maintenance.check().health == store.MISSING


def test_outdated_schema_degrades_and_small_database_rebuilds_on_next_change(app, corpus, make_doc, users, search_as):
    gen = store.current_generation(index_root(app))
    meta = json.loads((gen / store.META_FILE).read_text())
    (gen / store.META_FILE).write_text(json.dumps({**meta, "schema_version": 1}))
    assert search_as(users["staff"], "capacitación").is_degraded
    make_doc("Procedimiento de archivo", "effective")  # commit → sync → automatic rebuild
    assert not search_as(users["staff"], "capacitación").is_degraded


def test_large_database_waits_for_an_explicit_rebuild(app, corpus, make_doc, users, search_as):
    import shutil

    app.config["SEARCH_AUTO_REBUILD_LIMIT"] = 2
    shutil.rmtree(index_root(app))
    make_doc("Procedimiento de archivo", "effective")
    assert jobs() and search_as(users["staff"], "archivo").is_degraded
    maintenance.rebuild()
    assert jobs() == [] and search_as(users["staff"], "archivo").total == 1


def test_check_finds_drift_and_fix_repairs_it(app, corpus, users, search_as):
    version = corpus["control"].versions[0]
    db.session.execute(sa.text("UPDATE document_versions SET lock_version = lock_version + 5 WHERE id = :id"),
                       {"id": version.id})
    db.session.commit()
    report = maintenance.check()
    assert report.stale == [f"document:{version.id}"] and not report.is_clean
    assert maintenance.fix(report).is_clean


def test_commit_to_searchable_is_immediate_in_the_same_process(corpus, make_doc, users, search_as):
    started = time.monotonic()
    make_doc("Protocolo de teletrabajo", "effective")
    assert search_as(users["staff"], "teletrabajo").total == 1
    assert time.monotonic() - started < 1.0
