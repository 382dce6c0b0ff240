"""Damage to the index under a running process: pages keep working, search degrades with
its notice, the health check says what is wrong, rebuild recovers or says why it cannot,
and queued changes are retried until they reach the index.

The process running the tests plays the worker: it has searched (its searcher is open)
before the index is damaged under it.
"""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.search import maintenance, queue, store
from qms.search.models import IndexJob
from qms.timeutil import now_utc

ROLES = ("quality", "author", "reviewer", "approver", "auditor", "staff", "admin")


@pytest.fixture
def app_overrides():
    return {"SEARCH_LOCK_WAIT": 0.05}


def index_root(app) -> Path:
    return Path(app.config["INDEX_PATH"])


def jobs():
    db.session.expire_all()
    return db.session.scalars(sa.select(IndexJob).order_by(IndexJob.id)).all()


def _warm(client, login):
    """Search once, so this process holds an open searcher on the current generation."""
    login("staff")
    page = client.get("/buscar?q=capacitación&buscar=1")
    assert page.status_code == 200 and "data-search-degraded" not in page.get_data(as_text=True)
    client.post("/salir")


def _every_role_gets_the_notice(client, login, marker="data-search-degraded"):
    for role in ROLES:
        login(role)
        page = client.get("/buscar?q=capacitación&buscar=1")
        assert page.status_code == 200, role
        assert marker in page.get_data(as_text=True), role
        assert client.get("/", follow_redirects=True).status_code == 200, role  # other pages keep working
        client.post("/salir")


def _health(client) -> dict:
    response = client.get("/salud")
    assert response.status_code == 200
    return response.get_json()["search"]


def automatic_sync():
    """What a commit or a search runs: only jobs that are due (the caller's reads ended first)."""
    db.session.rollback()
    return queue._sync(wait=0, auto_rebuild=False)


def _rebuild(app, *args):
    from qms.search.cli import rebuild_command

    return app.test_cli_runner().invoke(rebuild_command, list(args))


def test_generation_made_unreadable_under_an_open_searcher_degrades_for_every_role(
        app, corpus, users, client, login):
    _warm(client, login)
    gen = store.current_generation(index_root(app))
    for toc in gen.glob("*.toc"):
        toc.unlink()  # the table of contents the open searcher checks on every search
    _every_role_gets_the_notice(client, login)
    assert _health(client)["state"] == store.BROKEN
    result = _rebuild(app)
    assert result.exit_code == 0, result.output
    login("staff")
    assert "data-search-degraded" not in client.get("/buscar?q=capacitación&buscar=1").get_data(as_text=True)
    assert _health(client)["state"] == store.OK


def test_generation_without_read_permission_degrades(app, corpus, users, client, login, monkeypatch):
    """``chmod 000`` on the generation, as the service user sees it (the tests run as root,
    for whom permissions do not apply, so the refusal is made where Whoosh lists the files)."""
    from whoosh.filedb.filestore import FileStorage

    _warm(client, login)
    gen = store.current_generation(index_root(app))

    def refused(self, *args, **kwargs):
        if Path(self.folder) == gen:
            raise PermissionError(13, "Permission denied", str(gen))
        return original_list(self, *args, **kwargs)

    original_list = FileStorage.list
    monkeypatch.setattr(FileStorage, "list", refused)
    _every_role_gets_the_notice(client, login)
    assert _health(client)["state"] == store.BROKEN


def test_truncated_segment_under_an_open_searcher_is_an_error_not_a_signal(app, corpus, users, client, login):
    """With ``mmap`` reading past a truncated segment's end kills the process (SIGBUS);
    the index is read with plain reads, so it is an exception the search turns into the notice."""
    _warm(client, login)
    gen = store.current_generation(index_root(app))
    ix = store.open_index(gen)
    assert ix.storage.supports_mmap is False
    ix.close()
    for segment in gen.glob("*.seg"):
        with open(segment, "r+b") as handle:  # same inode: what the open searcher has open
            handle.truncate(max(1, segment.stat().st_size // 3))
    _every_role_gets_the_notice(client, login)
    assert _health(client)["state"] == store.BROKEN
    assert _rebuild(app).exit_code == 0
    login("staff")
    assert "data-search-degraded" not in client.get("/buscar?q=auditorías&buscar=1").get_data(as_text=True)


def test_unusable_index_folder_rebuild_says_why_and_exits_non_zero(app, corpus, users, client, login):
    _warm(client, login)
    root = index_root(app)
    shutil.rmtree(root)
    root.write_text("no soy una carpeta")  # an operator's mistake: the path is not a folder
    _every_role_gets_the_notice(client, login)
    health = _health(client)
    assert health["state"] == store.BROKEN and "no es una carpeta" in health["detail"]
    result = _rebuild(app)
    assert result.exit_code == 1
    assert "No se pudo reconstruir el índice" in result.output and str(root) in result.output
    assert "Traceback" not in result.output
    root.unlink()
    assert _rebuild(app).exit_code == 0
    assert _health(client)["state"] == store.OK


def test_writer_holding_the_lock_forever_is_noticed_and_reported(app, corpus, make_doc, users, client, login):
    app.config.update(SEARCH_LAG_NOTICE_SECONDS=0, SEARCH_LOCK_STUCK_SECONDS=0)
    root = index_root(app)
    with store.write_lock(root, timeout=0) as locked:
        assert locked
        make_doc("Instructivo de teletrabajo", "effective")  # its job waits in the queue
        assert jobs()
        _every_role_gets_the_notice(client, login, marker="data-search-lagging")
        health = _health(client)
        assert health["state"] == "locked" and health["writer"]["pid"] > 0
        result = _rebuild(app, "--wait", "0.1")
        assert result.exit_code == 1 and "otro proceso" in result.output and "Traceback" not in result.output
    assert queue.sync().applied >= 1 and jobs() == []
    login("staff")
    page = client.get("/buscar?q=teletrabajo&buscar=1").get_data(as_text=True)
    assert "data-search-lagging" not in page and "Instructivo de" in page
    assert _health(client)["state"] == store.OK


def test_failed_jobs_back_off_and_are_retried_until_they_reach_the_index(app, corpus, make_doc, users, search_as,
                                                                         monkeypatch):
    from qms.search import writer

    def broken(*args, **kwargs):
        raise OSError("disco lleno")

    monkeypatch.setattr(writer, "write", broken)
    make_doc("Plan de emergencias", "effective")  # commits; the index writes fail
    queued = jobs()
    assert queued and all(j.attempts >= 1 and j.retry_after > now_utc() for j in queued)
    tried = [j.attempts for j in queued]
    # Not tried again before their time...
    assert automatic_sync().applied == 0 and [j.attempts for j in jobs()] == tried
    # ...and never given up: more failures than any cap, each followed by its back-off.
    for _ in range(8):
        db.session.execute(sa.update(IndexJob).values(retry_after=now_utc() - timedelta(seconds=1)))
        db.session.commit()
        automatic_sync()
    assert [j.attempts for j in jobs()] == [n + 8 for n in tried]
    monkeypatch.undo()
    db.session.execute(sa.update(IndexJob).values(retry_after=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    assert automatic_sync().applied == len(queued)  # the automatic path, as after a commit
    assert jobs() == []
    assert search_as(users["staff"], "emergencias").total == 1


def test_jobs_wait_untouched_while_the_index_is_broken_and_rebuild_covers_them(
        app, corpus, make_doc, users, search_as):
    app.config["SEARCH_AUTO_REBUILD_LIMIT"] = 0  # a large database: no rebuild on the spot
    gen = store.current_generation(index_root(app))
    for toc in gen.glob("*.toc"):
        toc.unlink()
    make_doc("Protocolo de atención ciudadana", "effective")
    assert jobs() and all(j.attempts == 0 for j in jobs())  # the index's fault is not the jobs'
    maintenance.rebuild()
    assert jobs() == []
    assert search_as(users["staff"], "ciudadana").total == 1
