"""Concurrent readers on SQLite: N signed-in people browsing pages of the demo institution.

Builds the demo institution in a fresh SQLite file (through the services, as ``qms demo``
does), serves it with gunicorn and the production configuration (4 sync workers on
loopback), logs in N people (the demo users, in turn) and lets each of them load a page
from a mix of lists and detail pages, then think for a short random time, until the run
ends. Reports p50/p95/p99 per page and overall, throughput, errors and how many
"database is locked" the server logged.

It measures what a read transaction costs other workers: with every transaction taking
SQLite's write lock at BEGIN, the workers serve one page at a time.

    .venv/bin/python -m benchmarks.bench_sqlite_readers                 # 40 people, 60 s
    .venv/bin/python -m benchmarks.bench_sqlite_readers --users 20 --seconds 30
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

#: What the people load: half of the time a list, else a detail page picked from the data.
LIST_PAGES = ["/", "/pendientes", "/documentos/", "/registros/", "/auditorias/", "/acciones/",
              "/pnc/", "/acciones/seguimiento", "/procesos/"]


def build_site(folder: Path) -> tuple[dict, list[dict], list[tuple[str, str]]]:
    """Create the demo institution in ``folder``; return the server's environment, users and
    the detail pages as ``(kind, path)``."""
    env = {"QMS_DATABASE_URL": f"sqlite:///{folder / 'qms.sqlite3'}", "QMS_INSTANCE_PATH": str(folder),
           "QMS_SECRET_KEY": "benchmark", "QMS_TRAIL_KEY": "benchmark-trail-key",
           # Restarted workers would import whatever the checkout holds by then.
           "QMS_MAX_REQUESTS": "0"}
    os.environ.update(env)
    from flask_migrate import upgrade

    from qms import create_app
    from qms.demo.loader import load_demo
    from qms.documents.models import DocumentVersion
    from qms.extensions import db
    from qms.home.reference_data import load_reference_data
    from qms.records.models import Record, RecordFile

    app = create_app()
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        users = load_demo()
        db.session.commit()
        details = []
        for version in db.session.scalars(db.select(DocumentVersion)):
            details += [("document", f"/documentos/{version.document.code}"),
                        ("version", f"/documentos/{version.document.code}/v/{version.number}")]
        details += [("record", f"/registros/{ident}") for ident in db.session.scalars(db.select(Record.id))]
        # A download is a page that writes: it leaves a trail entry.
        details += [("download (trailed)", f"/registros/{f.record_id}/archivos/{f.id}")
                    for f in db.session.scalars(db.select(RecordFile))]
        db.session.remove()
        db.engine.dispose()
    return env, users, details


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(users_count: int, seconds: float, think: tuple[float, float], workers: int) -> dict:
    from tests.faults.live import Client, Gunicorn

    folder = Path(tempfile.mkdtemp(prefix="qms-bench-readers-"))
    env, users, details = build_site(folder)
    server = Gunicorn(env, folder / "gunicorn.log", workers=workers, deadline=seconds + 600).start()
    try:
        clients = []
        for index in range(users_count):
            person = users[index % len(users)]
            clients.append(Client(server.url).login(person["username"], person["password"]))
        timings: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()
        start = time.monotonic()
        end = start + seconds

        def browse(client, seed):
            rng = random.Random(seed)
            while time.monotonic() < end:
                if rng.random() < 0.5:
                    kind = path = rng.choice(LIST_PAGES)
                else:
                    kind, path = rng.choice(details)
                began = time.perf_counter()
                try:
                    status = client.get(path).status
                except OSError as error:
                    status = repr(error)
                elapsed = time.perf_counter() - began
                with lock:
                    timings[kind].append(elapsed)
                    # 403 and 404: a page this person may not open (a draft, another unit).
                    if status not in (200, 302, 403, 404):
                        errors.append(f"{path}: {status}")
                time.sleep(rng.uniform(*think))

        threads = [threading.Thread(target=browse, args=(c, i), daemon=True) for i, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - start
        log = server.log()
    finally:
        server.stop()
    everything = [t for values in timings.values() for t in values]
    ms = lambda value: round(value * 1000, 1)  # noqa: E731
    return {
        "users": users_count, "seconds": round(duration, 1), "workers": workers,
        "think_seconds": list(think), "requests": len(everything),
        "throughput_per_s": round(len(everything) / duration, 1),
        "p50_ms": ms(statistics.median(everything)), "p95_ms": ms(percentile(everything, 0.95)),
        "p99_ms": ms(percentile(everything, 0.99)),
        "errors": len(errors), "error_samples": errors[:5],
        "database_is_locked": log.count("database is locked"),
        "pages": {kind: {"n": len(values), "p50_ms": ms(statistics.median(values)),
                         "p95_ms": ms(percentile(values, 0.95))}
                  for kind, values in sorted(timings.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=1.5)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    print(json.dumps(run(args.users, args.seconds, (args.think_min, args.think_max), args.workers), indent=2))


if __name__ == "__main__":
    main()
