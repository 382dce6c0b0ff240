"""Benchmark: the records register exported to .xlsx, at 20,000 records.

    .venv/bin/python benchmarks/bench_export.py [--records 20000] [--runs 3] [--database-url URL]

Fills a fresh database (SQLite in a temporary folder unless ``--database-url`` names an
empty one of your own) with records spread over processes, regions, owners and two files
each, inserted in bulk (the export is what is measured, not record creation), then times:

* ``before``: the export as it was: every record loaded at once with only its files and
  process eager, the others (region, owner, linked documents) loaded per row, and the
  whole workbook built in memory;
* ``objects``: the first streamed export: record objects read in batches with what a row
  shows loaded alongside (``selectinload``), the same write-only workbook;
* ``after``: ``records.export.export_file``: the register's filters as one select of
  plain columns (no record objects) read in batches, linked documents one select per
  batch, the workbook written in openpyxl's write-only mode to a file.

Prints the median seconds, the statements sent and the peak of Python memory (tracemalloc,
in a separate run) of each. Not a timed
test: results go in the README.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from qms import create_app  # noqa: E402
from qms.extensions import db  # noqa: E402


def fill(count: int) -> None:
    """Reference data, 40 processes, 30 owners and ``count`` records with two files each."""
    from qms.auth import service as auth
    from qms.home.reference_data import load_reference_data
    from qms.org.models import Process, Region
    from qms.records.models import Record, RecordFile, RecordType

    db.drop_all()
    db.create_all()
    load_reference_data()
    owners = [auth.create_user(None, username=f"persona{n}", full_name=f"Persona {n}", password="clave-bench-larga-1",
                               roles=["quality"], position="Cargo") for n in range(30)]
    processes = [Process(code=f"P{n:02d}", name=f"Proceso {n}", kind="support") for n in range(40)]
    db.session.add_all(processes)
    db.session.flush()
    types = db.session.scalars(sa.select(RecordType).where(RecordType.is_confidential.is_(False))).all()
    regions = db.session.scalars(sa.select(Region.code)).all()
    start = date(2015, 1, 1)
    rows, files = [], []
    for n in range(count):
        rows.append({"id": n + 1, "code": f"REG-{n:06d}", "type_id": types[n % len(types)].id,
                     "title": f"Registro de prueba número {n} del sistema de gestión", "record_date": start + timedelta(days=n % 3650),
                     "process_id": processes[n % len(processes)].id, "region_code": regions[n % len(regions)],
                     "owner_id": owners[n % len(owners)].id, "description": "Registro generado para medir la exportación.",
                     "retention_until": start + timedelta(days=3650 + n % 900), "state": "active",
                     "is_on_legal_hold": False, "legal_hold_reason": "", "revision": 1})
        for k in range(2):
            files.append({"record_id": n + 1, "sha256": f"{n:032x}{k:032x}", "original_filename": f"archivo{k}.pdf",
                          "size": 1000, "content_type": "application/pdf", "status": "stored", "reason": "",
                          "position": k})
    db.session.execute(sa.insert(Record), rows)
    db.session.execute(sa.insert(RecordFile), files)
    db.session.commit()


def legacy_export(query) -> bytes:
    """The export before: all rows at once, region/owner/documents per row, an in-memory workbook."""
    from openpyxl import Workbook

    from qms.records.common import RETENTION_STATES, retention_state
    from qms.records.export import EXPORT_HEADER
    from qms.timeutil import format_date, today_local

    today = today_local()
    book = Workbook()
    sheet = book.active
    sheet.append(EXPORT_HEADER)
    for r in db.session.scalars(query).unique().all():
        sheet.append([r.code, r.title, f"{r.type.code} · {r.type.name}", format_date(r.record_date),
                      r.process.code if r.process else "", r.region.name if r.region else "",
                      r.owner.full_name if r.owner else "",
                      format_date(r.retention_until) if r.retention_until else "Permanente", r.type.disposition_label,
                      RETENTION_STATES[retention_state(r, today)], len(r.current_files),
                      ", ".join(d.code for d in r.documents)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def objects_export(query):
    """The streamed export of the first fix: record objects in batches, write-only workbook."""
    from sqlalchemy.orm import selectinload

    from qms.exports import xlsx_file
    from qms.records.common import RETENTION_STATES, retention_state
    from qms.records.export import EXPORT_HEADER, WIDTHS
    from qms.records.models import Record
    from qms.timeutil import format_date, today_local

    today = today_local()
    query = query.options(selectinload(Record.files), selectinload(Record.documents), selectinload(Record.process),
                          selectinload(Record.region), selectinload(Record.owner))
    records = db.session.scalars(query.execution_options(yield_per=500))
    return xlsx_file("Registros", EXPORT_HEADER, ([
        r.code, r.title, f"{r.type.code} · {r.type.name}", format_date(r.record_date),
        r.process.code if r.process else "", r.region.name if r.region else "", r.owner.full_name if r.owner else "",
        format_date(r.retention_until) if r.retention_until else "Permanente", r.type.disposition_label,
        RETENTION_STATES[retention_state(r, today)], len(r.current_files), ", ".join(d.code for d in r.documents)
    ] for r in records), widths=WIDTHS)


def measure(kind: str, user, count: int) -> tuple[float, int, int]:
    from qms.records import export, queries

    statements = []

    def remember(*_args):
        statements.append(1)

    db.session.expunge_all()  # every run starts with nothing loaded
    query = queries.register_query(queries.RecordFilters(), user)
    event.listen(db.engine, "before_cursor_execute", remember)
    started = time.perf_counter()
    try:
        if kind == "before":
            size = len(legacy_export(query))
        elif kind == "objects":
            with objects_export(query) as output:
                size = len(output.read())
        else:
            with export.export_file(queries.RecordFilters(), user) as output:
                size = len(output.read())
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    elapsed = time.perf_counter() - started
    assert size > count * 20, "the workbook is suspiciously small"
    db.session.rollback()
    return elapsed, len(statements), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--cases", default="after,objects,before",
                        help="which exports to time, in the order they alternate")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qms-bench-export-"))
    url = args.database_url or f"sqlite:///{folder / 'qms.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(folder), "SECRET_KEY": "bench",
                      "STORAGE_PATH": str(folder / "storage"), "INDEX_PATH": str(folder / "index"),
                      "SEARCH_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context(), app.test_request_context():
        from qms.auth.models import User

        fill(args.records)
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "persona0"))
        print(f"{args.records} registros en {db.engine.dialect.name}; {args.runs} corridas alternadas por caso.\n")
        kinds = tuple(args.cases.split(","))
        results = {kind: [] for kind in kinds}
        for _run in range(args.runs):
            for kind in kinds:
                results[kind].append(measure(kind, db.session.get(User, user_id), args.records))
        # Memory apart from the timed runs (tracing slows Python down): the peak of what
        # Python allocates during one export of each kind.
        peaks = {}
        for kind in kinds:
            tracemalloc.start()
            measure(kind, db.session.get(User, user_id), args.records)
            peaks[kind] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        print(f"{'caso':<8} {'mediana s':>10} {'sentencias':>11} {'pico de memoria':>16}")
        for kind in reversed(kinds):
            times = [t for t, _s, _b in results[kind]]
            print(f"{kind:<8} {statistics.median(times):>10.2f} {results[kind][0][1]:>11} "
                  f"{'%.0f MB' % peaks[kind]:>16}")
        median = {kind: statistics.median(t for t, _s, _b in results[kind]) for kind in kinds}
        for other in ("before", "objects"):
            if other in median and "after" in median:
                print(f"razón {other}/after: {median[other] / median['after']:.1f}")


if __name__ == "__main__":
    main()
