"""Readers and writers at once through the production stack (gunicorn, 4 workers).

On SQLite pages read in deferred transactions while downloads (a GET that writes a trail
entry) and draft saves take the write lock: every request is answered, none with
"database is locked", every download is in the trail, and the database still holds.
``--races N`` sets how many rounds run.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from qms.extensions import db
from tests.faults.integrity import all_problems
from tests.faults.live import Response, together

pytestmark = pytest.mark.races

#: Pages everyone may open, and those of the committee (who also downloads).
PAGES = ("/pendientes", "/documentos/", "/procesos/")
COMMITTEE_PAGES = ("/registros/", "/bitacora/")


def _record_with_file(site) -> tuple[int, str]:
    from qms.records import service
    from qms.records.defaults import load_default_record_types

    load_default_record_types()
    record = service.create_record(
        site.users["quality"], record_type=service.get_type_by_code("INF-AUD"), title="Informe descargado a la vez",
        record_date=date(2024, 3, 15), data=b"%PDF-1.4\n% concurrente\n%%EOF\n", filename="informe.pdf",
        process=site.process)
    db.session.commit()
    return record.id, f"/registros/{record.id}/archivos/{record.files[0].id}"


def _downloads(record_id: int) -> int:
    from qms.trail.models import AuditEntry

    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "record.file_downloaded", AuditEntry.object_id == str(record_id)))


def test_pages_downloads_and_saves_at_once(site, race_count):
    document = site.document()
    version = document.versions[0]
    edit_path = f"/documentos/{document.code}/v/1/editar"
    record_id, download_path = _record_with_file(site)
    readers = [site.client(name) for name in ("staff", "reviewer", "approver", "approver2")]
    downloader, author = site.client("quality"), site.client("author")
    site.settle()
    verdicts, downloads = Counter(), 0
    for round_ in range(race_count):
        lock_version = db.session.get(type(version), version.id).lock_version
        site.settle()
        form = {"title": "Procedimiento de carrera", "s_objetivo": f"Objetivo, vuelta {round_}.",
                "s_alcance": "Todo el servicio.", "change_description": "Cambio.",
                "lock_version": lock_version, "save": "1"}
        calls = [lambda c=c, p=p: c.get(p) for c in readers for p in PAGES]
        calls += [lambda p=p: downloader.get(p) for p in COMMITTEE_PAGES + (download_path,) * 3]
        calls += [lambda: author.post(edit_path, form)]
        responses = together(*calls)
        downloads += 3
        if not all(isinstance(r, Response) for r in responses):
            verdicts["no answer"] += 1
        elif any(r.status >= 500 for r in responses):
            verdicts["server error"] += 1
        elif any(r.status != 200 for r in responses[:-1]) or responses[-1].status != 302:
            verdicts[f"answered {sorted({r.status for r in responses})}"] += 1
        else:
            verdicts["ok"] += 1
    log = site.server.log()
    assert "database is locked" not in log
    assert verdicts == Counter({"ok": race_count}), dict(verdicts)
    assert _downloads(record_id) == downloads
    site.settle()
    assert all_problems() == {}
