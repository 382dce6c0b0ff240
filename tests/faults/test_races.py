"""Races through the production stack: two people act on the same object at the same moment.

Each race ends as it does one request at a time: one person succeeds and the other
gets a clear conflict (for a draft, the conflict page that keeps what they typed),
never a server error; afterwards the database, the trail and the document rules hold.
``--races N`` sets how many races of each kind run (30 by default).
"""
from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.timeutil import today_local
from tests.conftest import PASSWORD
from tests.faults.integrity import all_problems
from tests.faults.live import Response, together

pytestmark = pytest.mark.races

DRAFT_CONFLICT = "Otra persona guardó esta versión"
APPROVAL_REFUSALS = ("La versión cambió desde que abrió la página", "No se puede «aprobar»")
REVISION_REFUSAL = "Ya hay una versión en preparación"


def _verdict(responses, won, refused) -> str:
    """Name the outcome of one race: ``ok`` is one winner and one clear refusal."""
    if any(not isinstance(r, Response) for r in responses):
        return "no answer"
    if any(r.status >= 500 for r in responses):
        return "server error"
    winners = [r for r in responses if won(r)]
    if len(winners) != 1:
        return f"{len(winners)} winners"
    loser = next(r for r in responses if r is not winners[0])
    return "ok" if refused(loser) else "unclear refusal"


def _report(kind: str, verdicts: Counter) -> None:
    print(f"\n{kind}: {dict(verdicts)}")
    assert verdicts == Counter({"ok": sum(verdicts.values())}), f"{kind}: {dict(verdicts)}"
    assert all_problems() == {}


def _draft(text: str, lock_version: int) -> dict:
    return {"title": "Procedimiento de carrera", "s_objetivo": text, "s_alcance": "Todo el servicio.",
            "change_description": "Cambio.", "lock_version": lock_version, "save": "1"}


def test_two_people_save_the_same_draft(site, race_count):
    from qms.documents.models import DocumentVersion

    people = {name: site.client(name) for name in ("author", "quality")}
    verdicts, kept = Counter(), []
    for race in range(race_count):
        version = site.document().versions[0]
        path, lock_version, version_id = f"/documentos/{version.document.code}/v/1/editar", version.lock_version, version.id
        site.settle()
        texts = {name: f"Texto de {name}, carrera {race}." for name in people}
        responses = together(*(lambda n=n: people[n].post(path, _draft(texts[n], lock_version)) for n in people))
        by_text = dict(zip(texts.values(), responses))
        verdict = _verdict(responses, lambda r: r.status == 302,
                           lambda r: r.status in (200, 409) and DRAFT_CONFLICT in r.text
                           and next(t for t, s in by_text.items() if s is r) in r.text)
        verdicts[verdict] += 1
        if verdict == "ok":
            winner = next(t for t, r in by_text.items() if r.status == 302)
            kept.append(db.session.get(DocumentVersion, version_id).sections["objetivo"] == winner)
            site.settle()
    assert all(kept), "an acknowledged save was lost"
    _report("draft saves", verdicts)


def test_two_approvers_approve_the_same_version(site, race_count):
    people = [site.client("approver"), site.client("approver2")]
    verdicts = Counter()
    for _race in range(race_count):
        version = site.document("in_approval").versions[0]
        path, lock_version = f"/documentos/{version.document.code}/v/1/accion/approve", version.lock_version
        site.settle()
        form = {"approve-password": PASSWORD, "approve-effective_date": today_local().isoformat(),
                "approve-lock_version": lock_version}
        responses = together(*(lambda p=p: p.post(path, form) for p in people))
        verdicts[_verdict(responses, lambda r: r.status == 302,
                          lambda r: r.status in (400, 409) and any(m in r.text for m in APPROVAL_REFUSALS))] += 1
    _report("approvals", verdicts)


def test_two_people_start_the_next_version(site, race_count):
    people = [site.client("author"), site.client("quality")]
    verdicts = Counter()
    for _race in range(race_count):
        code = site.document("effective").code
        site.settle()
        responses = together(*(lambda p=p: p.post(f"/documentos/{code}/revision", {}) for p in people))
        refused = [p.follow(r) if isinstance(r, Response) and "/editar" not in r.location else r
                   for p, r in zip(people, responses)]
        verdicts[_verdict(refused, lambda r: r.status == 302 and r.location.endswith("/v/2/editar"),
                          lambda r: r.status == 200 and REVISION_REFUSAL in r.text)] += 1
    _report("new versions", verdicts)


def test_every_worker_ticks_at_once(site, race_count):
    """Each request runs the lazy tick (interval 0): pages keep working and each due
    version takes effect exactly once, replacing the one in force."""
    from qms.documents.models import DocumentVersion
    from qms.trail.models import AuditEntry

    people = [site.client(name) for name in ("staff", "author", "reviewer", "quality")]
    verdicts = Counter()
    for _race in range(race_count):
        document = site.revision_due_today()
        due_id = document.versions[1].id
        site.settle()
        responses = together(*(lambda p=p: p.get("/pendientes") for p in people * 2))
        states = [v.state for v in db.session.scalars(
            sa.select(DocumentVersion).where(DocumentVersion.document_id == document.id)
            .order_by(DocumentVersion.number))]
        made_effective = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "version.make_effective", AuditEntry.object_id == str(due_id)))
        site.settle()
        if not all(isinstance(r, Response) for r in responses):
            verdicts["no answer"] += 1
        elif any(r.status != 200 for r in responses):
            verdicts[f"pages answered {sorted({r.status for r in responses})}"] += 1
        elif states != ["obsolete", "effective"] or made_effective != 1:
            verdicts[f"states {states}, taken effect {made_effective} times"] += 1
        else:
            verdicts["ok"] += 1
    _report("ticks", verdicts)
