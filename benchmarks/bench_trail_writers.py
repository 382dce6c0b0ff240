"""Benchmark: commits per second of concurrent writers, all appending to the trail.

    createdb -h 127.0.0.1 -U postgres trust_bench
    .venv/bin/python benchmarks/bench_trail_writers.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/trust_bench [--runs 5]

Every write appends to the one chain and locks the single ``trail_head`` row, so on
PostgreSQL the writers queue on it. The question is how long each holds it. Twenty
writer threads (each with its own session and connection) run short transactions like a
service's: update two processes, ``trail.record``, then more work before the commit (a
few milliseconds of I/O, one more update and a read) and commit.

Two modes, measured alternately on the same database:

* ``at-record``: the head is locked and the entry inserted when ``record`` is called, as
  the trail did before (the benchmark calls ``pending.append_pending`` right after
  ``record``, which is exactly that code path), so the lock is held through the work;
* ``at-commit``: the entry waits on the session and is chained in ``before_commit``.

Prints commits/s per run and the median of each mode. The database is emptied and its
tables recreated: use a database of your own. Not a timed test: results go in the README.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from qms import create_app  # noqa: E402
from qms.extensions import db  # noqa: E402

MODES = ("at-record", "at-commit")
PROCESSES = 400


def make_app(url: str, instance: Path, threads: int):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
        "STORAGE_PATH": str(instance / "storage"), "INDEX_PATH": str(instance / "index"),
        "SEARCH_ENABLED": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": threads + 2, "max_overflow": 0, "pool_pre_ping": False},
    })


def prepare(app) -> list[int]:
    """Recreate the schema and add the rows the writers update; return their ids."""
    from qms.org.models import Process

    with app.app_context():
        db.drop_all()
        db.create_all()
        for i in range(PROCESSES):
            db.session.add(Process(code=f"P{i:03d}", name=f"Proceso {i}", kind="support"))
        db.session.commit()
        return list(db.session.scalars(sa.select(Process.id)))


def transaction(process_ids: list[int], mode: str, work_ms: float, rng: random.Random) -> None:
    """One service-like transaction: two updates, the trail entry, more work, commit."""
    from qms.org.models import Process
    from qms.trail import pending
    from qms.trail import service as trail

    first, second, third = sorted(rng.sample(process_ids, 3))
    for pid in (first, second):
        db.session.execute(sa.update(Process).where(Process.id == pid).values(name=f"Proceso {rng.random():.6f}"))
    trail.record(None, "process.updated", "process", first, f"P{first}", {"name": ["antes", "después"]})
    if mode == "at-record":
        pending.append_pending(db.session())
    time.sleep(work_ms / 1000)  # rendering, a stored file, the search queue...
    db.session.execute(sa.update(Process).where(Process.id == third).values(name=f"Proceso {rng.random():.6f}"))
    db.session.execute(sa.select(Process.code).where(Process.id == second)).scalar()
    db.session.commit()


def run(app, process_ids: list[int], mode: str, threads: int, seconds: float, work_ms: float) -> float:
    """Run ``threads`` writers for ``seconds`` (after a short warm-up); return commits/s."""
    counts = [0] * threads
    errors: list[BaseException] = []
    start_line = threading.Barrier(threads + 1)
    state = {"counting": False, "stop": False}

    def writer(n: int) -> None:
        rng = random.Random(n)
        # Each writer updates rows of its own, so the only lock they share is the head's.
        # (With shared rows the old order, rows -> head -> rows, can deadlock; see the README.)
        own_rows = process_ids[n::threads]
        with app.app_context():
            start_line.wait()
            try:
                while not state["stop"]:
                    transaction(own_rows, mode, work_ms, rng)
                    if state["counting"]:
                        counts[n] += 1
            except BaseException as exc:  # noqa: BLE001 - reported after the run
                errors.append(exc)
                db.session.rollback()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    start_line.wait()
    time.sleep(0.5)
    state["counting"] = True
    started = time.perf_counter()
    time.sleep(seconds)
    state["counting"] = False
    elapsed = time.perf_counter() - started
    state["stop"] = True
    for worker in workers:
        worker.join()
    if errors:
        raise RuntimeError(f"{len(errors)} writers failed: {errors[0]!r}")
    return sum(counts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of your own (it is emptied)")
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per run")
    parser.add_argument("--runs", type=int, default=5, help="runs per mode (alternating)")
    parser.add_argument("--work-ms", type=float, default=3.0, help="work between the trail record and the commit")
    parser.add_argument("--mode", choices=("both", *MODES), default="both")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as instance:
        app = make_app(args.database_url, Path(instance), args.threads)
        process_ids = prepare(app)
        modes = MODES if args.mode == "both" else (args.mode,)
        results: dict[str, list[float]] = {mode: [] for mode in modes}
        for number in range(1, args.runs + 1):
            for mode in modes:
                rate = run(app, process_ids, mode, args.threads, args.seconds, args.work_ms)
                results[mode].append(rate)
                print(f"run {number} {mode:<10} {rate:8.1f} commits/s", flush=True)
        with app.app_context():
            from qms.trail.verify import verify_chain

            report = verify_chain()
            assert report.ok, report.reason
            print(f"trail verified: {report.checked} entries")
            db.engine.dispose()
    print(f"\n{args.threads} writers, {args.work_ms:g} ms of work after the trail record, "
          f"{args.runs} runs of {args.seconds:g} s")
    for mode, rates in results.items():
        print(f"{mode:<10} median {statistics.median(rates):8.1f} commits/s "
              f"(min {min(rates):.1f}, max {max(rates):.1f})")
    if len(results) == 2:
        print(f"ratio at-commit / at-record: {statistics.median(results['at-commit']) / statistics.median(results['at-record']):.2f}")


if __name__ == "__main__":
    main()
