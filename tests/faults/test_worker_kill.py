"""A gunicorn worker killed (``kill -9``) in the middle of writes loses nothing it acknowledged.

People keep saving drafts, approving and starting new versions while the lazy tick
runs on every request; workers are killed one after another and the master replaces
them. Afterwards every answered write is in the database, the trail verifies, the
store holds every file the database names (orphans from killed requests are allowed)
and no document has two versions in force.
"""
from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
from collections import Counter
import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.timeutil import today_local
from tests.conftest import BACKENDS, PASSWORD
from tests.faults.conftest import start_site
from tests.faults.integrity import all_problems
from tests.faults.live import Response

pytestmark = pytest.mark.races

#: Workers killed during one run, and the seconds of writing before each kill.
KILLS, PAUSE = 4, 1.5
_LOCK_VERSION = re.compile(r'name="lock_version"[^>]*value="(\d+)"')


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """A site of its own with 2 workers: the kills must not disturb other tests."""
    built, stop = start_site(request.param, tmp_path_factory.mktemp(f"kill-{request.param}"), workers=2)
    yield built
    stop()


class Writer(threading.Thread):
    """One person repeating one kind of write until told to stop; keeps every answer."""

    def __init__(self, act, items, stop: threading.Event, repeat: bool = False):
        super().__init__(daemon=True)
        self.act, self.stop = act, stop
        self.items = list(items) * (1000 if repeat else 1)
        self.answers: list[tuple] = []  # (item, what was sent, Response or the connection error)
        self.failure: BaseException | None = None

    def run(self):
        try:
            for attempt, item in enumerate(self.items):
                if self.stop.is_set():
                    return
                self.answers.append(self.act(item, attempt))
        except BaseException as error:  # noqa: BLE001 - reported by the test, not lost in the thread
            self.failure = error


def _kill_workers(site) -> list[int]:
    killed = []
    for _ in range(KILLS):
        site.server.wait_healthy()  # the replacement has booted and serves: kill it while it writes
        time.sleep(PAUSE)
        pids = site.server.worker_pids()
        if pids:
            victim = random.choice(pids)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
    return killed


def test_killing_workers_mid_write_loses_no_acknowledged_write(site, race_count):
    from qms.documents.models import Document, DocumentVersion
    from qms.trail.models import AuditEntry

    drafts = [site.document().versions[0].id for _ in range(2)]
    to_approve = [site.document("in_approval").versions[0].id for _ in range(max(6, race_count // 3))]
    to_revise = [site.document("effective").code for _ in range(max(6, race_count // 3))]
    due = [site.revision_due_today().versions[1].id for _ in range(3)]
    paths = {v.id: f"/documentos/{v.document.code}/v/{v.number}" for v in
             db.session.scalars(sa.select(DocumentVersion).where(DocumentVersion.id.in_(drafts + to_approve)))}
    author, quality, approver = (site.client(name) for name in ("author", "quality", "approver"))
    site.settle()

    def save(client, tag):
        def act(version_id, attempt):
            text = f"Texto {tag} {attempt}."
            try:
                page = client.get(f"{paths[version_id]}/editar")
                lock_version = _LOCK_VERSION.search(page.text).group(1) if page.status == 200 else "0"
                return version_id, text, client.post(f"{paths[version_id]}/editar", {
                    "title": "Procedimiento de carrera", "s_objetivo": text, "s_alcance": "Todo el servicio.",
                    "lock_version": lock_version, "save": "1"})
            except (OSError, AttributeError) as error:
                return version_id, text, error
        return act

    def approve(version_id, _attempt):
        try:
            return version_id, None, approver.post(f"{paths[version_id]}/accion/approve", {
                "approve-password": PASSWORD, "approve-effective_date": today_local().isoformat()})
        except OSError as error:
            return version_id, None, error

    def revise(code, _attempt):
        try:
            return code, None, quality.post(f"/documentos/{code}/revision", {})
        except OSError as error:
            return code, None, error

    stop = threading.Event()
    writers = [Writer(save(author, "A"), drafts[:1], stop, repeat=True),
               Writer(save(quality, "Q"), drafts[1:], stop, repeat=True),
               Writer(approve, to_approve, stop), Writer(revise, to_revise, stop)]
    for writer in writers:
        writer.start()
    killed = _kill_workers(site)
    stop.set()
    for writer in writers:
        writer.join(120)
    assert [w.failure for w in writers] == [None] * len(writers)
    assert len(killed) == KILLS
    site.server.wait_healthy()
    for _ in range(3):  # the tick finishes what a killed worker left due
        assert author.get("/pendientes").status == 200
    site.settle()

    answers = [a for w in writers for a in w.answers]
    print(f"\nkilled {killed}; answers: ", {kind: dict(Counter(
        r.status if isinstance(r, Response) else type(r).__name__ for _i, _s, r in w.answers))
        for kind, w in zip(("drafts A", "drafts Q", "approvals", "new versions"), writers)})
    assert not [a for a in answers if isinstance(a[2], Response) and a[2].status >= 500], "a write got a 500"
    for version_id in drafts:
        mine = [(text, r) for v, text, r in answers if v == version_id]
        answered = [i for i, (_text, r) in enumerate(mine) if isinstance(r, Response) and r.status == 302]
        content = db.session.get(DocumentVersion, version_id).sections["objetivo"]
        if answered:
            # The content is the last answered save, or a later one whose answer a kill cut off.
            assert content in [text for text, _r in mine[answered[-1]:]]
        edited = " ".join(str(e.details) for e in db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "version.edited", AuditEntry.object_id == str(version_id))))
        assert all(mine[i][0] in edited for i in answered), "an answered save is missing from the trail"
    for version_id, _sent, response in answers:
        if version_id in to_approve and isinstance(response, Response) and response.status == 302:
            assert db.session.get(DocumentVersion, version_id).state == "effective"
    for code, _sent, response in answers:
        if code in to_revise and isinstance(response, Response) and response.status == 302 \
                and response.location.endswith("/v/2/editar"):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentVersion).join(Document)
                                     .where(Document.code == code)) == 2
    assert [db.session.get(DocumentVersion, v).state for v in due] == ["effective"] * len(due)
    site.settle()
    assert all_problems() == {}
