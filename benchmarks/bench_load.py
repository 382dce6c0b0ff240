"""Load benchmark: N people on gunicorn (``gunicorn.conf.py``) over loopback, with locust.

    .venv/bin/python benchmarks/bench_load.py --users 100 --minutes 3 --db sqlite --size 2k
    .venv/bin/python benchmarks/bench_load.py --users 100 --minutes 3 --db postgres --size 2k

Builds the data set once (``generate_data.py``; kept under ``--data`` and reused by later
runs, which also keep what earlier runs wrote), starts gunicorn with the production
configuration on 127.0.0.1, and runs locust headless for the given time with the mix of
``load_users.py`` (10–30 s think time). Meanwhile it samples, every 2 s, the RSS of each
gunicorn worker (psutil) and the CPU the locust process uses. Prints, and writes as
``result.json`` in the run's folder: p50/p95/p99 per kind and per group, throughput,
errors, worker RSS, the load generator's share of the machine (the run is invalid above
a quarter) and the load average before and after.

``QMS_MAX_REQUESTS`` is 0 during a run: a worker replaced after 1,000 requests would hide
how much memory a worker grows to, which is what the run reports.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load_report  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
LISTS = ["/", "/pendientes", "/documentos/", "/registros/", "/auditorias/", "/acciones/", "/pnc/",
         "/acciones/seguimiento", "/procesos/", "/documentos/revisiones", "/bitacora/"]


def postgres_database(name: str) -> str:
    """Create the database ``name`` if it does not exist; return its address."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES.format(name=name)


def dataset(size: str, db: str, data_root: Path) -> dict:
    """The data set of ``size`` on ``db``, generated the first time."""
    from benchmarks import generate_data

    folder = data_root / f"qms-{size}-{db}"
    if (folder / "dataset.json").exists():
        return json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    url = postgres_database(f"qms_load_{size}") if db == "postgres" else None
    print(f"Generating {size} on {db} in {folder}…", flush=True)
    return generate_data.generate(generate_data.parse_size(size), folder, url)


def targets(env: dict, people: list[dict], rng_seed: int = 8) -> dict:
    """What the people visit, read from the data set (samples of each kind)."""
    import random

    import sqlalchemy as sa

    from benchmarks.corpus import queries

    engine = sa.create_engine(env["QMS_DATABASE_URL"])
    rng = random.Random(rng_seed)
    sample = lambda rows, n: rng.sample(rows, min(n, len(rows)))  # noqa: E731
    with engine.connect() as conn:
        versions = conn.execute(sa.text(
            "SELECT d.code, v.number, v.state FROM document_versions v JOIN documents d ON d.id = v.document_id")).all()
        records = [r for (r,) in conn.execute(sa.text("SELECT id FROM records WHERE state = 'active'"))]
        files = conn.execute(sa.text("SELECT record_id, id FROM record_files")).all()
        actions = [c for (c,) in conn.execute(sa.text("SELECT code FROM actions WHERE closed_at IS NULL"))]
    engine.dispose()
    path = lambda code, number: f"/documentos/{code}/v/{number}"  # noqa: E731
    effective = [(c, n) for c, n, s in versions if s == "effective"]
    pages = ([f"/documentos/{c}" for c, _n in sample(effective, 300)]
             + [path(c, n) for c, n, _s in sample(versions, 300)]
             + [f"/registros/{r}" for r in sample(records, 300)]
             + [f"/bitacora/documento/{c}" for c, _n in sample(effective, 50)])
    downloads = ([f"{path(c, n)}/descargar" for c, n in sample(effective, 200)]
                 + [f"/registros/{r}/archivos/{f}" for r, f in sample(files, 200)])
    return {"people": [p for p in people if p["username"].startswith("persona")], "lists": LISTS,
            "pages": pages, "downloads": downloads,
            "drafts": [f"{path(c, n)}/descargar" for c, n, s in versions if s == "draft"][:300],
            "reviews": [path(c, n) for c, n, s in versions if s == "in_review"],
            "records": sample(records, 300), "actions": actions, "queries": queries(200)}


class Sampler(threading.Thread):
    """Every ``period`` seconds: RSS of each gunicorn worker; CPU of the load generator."""

    def __init__(self, master_pid: int, generator_pid: int, period: float = 2.0):
        super().__init__(daemon=True)
        import psutil

        self.psutil, self.period = psutil, period
        self.master, self.generator = psutil.Process(master_pid), psutil.Process(generator_pid)
        self.rss: dict[int, list[int]] = {}
        self.generator_cpu = 0.0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(self.period):
            self.sample()

    def sample(self):
        try:
            times = self.generator.cpu_times()
            self.generator_cpu = times.user + times.system + times.children_user + times.children_system
        except self.psutil.Error:
            pass
        for worker in self.master.children():
            try:
                self.rss.setdefault(worker.pid, []).append(worker.memory_info().rss)
            except self.psutil.Error:
                continue


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(users: int, minutes: float, db: str, size: str, data_root: Path, think: str, spawn_rate: float) -> dict:
    from tests.faults.live import Gunicorn

    facts = dataset(size, db, data_root)
    env = {**facts["env"], "QMS_MAX_REQUESTS": "0"}
    folder = Path(tempfile.mkdtemp(prefix=f"qms-load-{size}-{db}-"))
    (folder / "targets.json").write_text(json.dumps(targets(env, facts["users"])), encoding="utf-8")
    workers = int(os.environ.get("QMS_WORKERS", (os.cpu_count() or 1) * 2 + 1))
    seconds = minutes * 60
    before = load_average()
    server = Gunicorn(env, folder / "gunicorn.log", workers=workers, deadline=seconds + 900).start()
    try:
        locust_env = {**os.environ, "PYTHONPATH": str(ROOT), "QMS_LOAD_TARGETS": str(folder / "targets.json"),
                      "QMS_LOAD_OUTPUT": str(folder / "timings.jsonl"), "QMS_LOAD_THINK": think}
        started = time.monotonic()
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "load_users.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{int(seconds)}s",
             "--host", server.url, "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING"],
            cwd=ROOT, env=locust_env, stdout=open(folder / "locust.log", "wb"), stderr=subprocess.STDOUT)
        sampler = Sampler(server.process.pid, locust.pid)
        sampler.start()
        try:
            locust.wait(timeout=seconds + 300)
        finally:
            sampler.stopped.set()
        wall = time.monotonic() - started
        sampler.sample()
        rss = load_report.memory(sampler.rss)
        log = server.log()
    finally:
        server.stop()
    summary = load_report.summarise(load_report.read_timings(folder / "timings.jsonl"), wall)
    share = load_report.generator_share(sampler.generator_cpu, wall, os.cpu_count() or 1)
    result = {"users": users, "minutes": minutes, "db": db, "size": size, "data": facts["counts"],
              "workers": workers, "think_seconds": think, "load_average_before": before,
              "load_average_after": load_average(), "worker_memory": rss,
              "generator_cpu_share": round(share, 3), "validity": load_report.validity(share),
              "server_tracebacks": log.count("Traceback"), "database_is_locked": log.count("database is locked"),
              "folder": str(folder), **summary}
    (folder / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--size", default="2k", help="documents of the data set: 2k, 10k, 50k…")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()),
                        help="where data sets are kept between runs")
    parser.add_argument("--think", default="10,30", help="think time between actions, seconds: MIN,MAX")
    parser.add_argument("--spawn-rate", type=float, default=2, help="people starting per second")
    args = parser.parse_args()
    result = run(args.users, args.minutes, args.db, args.size, args.data, args.think, args.spawn_rate)
    print(load_report.table(result))
    print(json.dumps({k: v for k, v in result.items() if k != "kinds"}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
