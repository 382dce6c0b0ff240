"""Benchmark: what one login costs with each password hash, and how many two cores sustain.

    .venv/bin/python benchmarks/bench_login.py [--runs 30] [--seconds 10] [--method M ...]

For each method (by default werkzeug's scrypt default, the scheme before; argon2id at
OWASP's parameters, the scheme now; and scrypt at OWASP's minimum N=2^17 for
reference) it prints:

* the median and spread of one verify (the work of every login, right or wrong), in a
  fresh process per method, the methods taken in turns so that a busy machine weighs
  on all of them alike; and its median CPU time, which other processes on the machine
  barely change (what two free cores would sustain follows from it);
* the extra peak memory of one hashing (peak resident set size, read from
  ``/proc/self/status``: the hashers allocate in C, where tracemalloc does not look),
  and what the process still holds after its hashings (it would stay in a worker);
* how many verifies per second two processes sustain on the two cores, as two sync
  gunicorn workers would, with the errors counted (a hasher refusing memory is one);
* through the application (Flask test client, temporary SQLite): the median of a
  right login, a wrong password and an unknown name, which must cost the same.

Not a timed test: results go in the README.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEFORE = "scrypt"  # werkzeug's default: N=2^15, r=8, p=1
AFTER = "argon2id"  # qms.auth.hashing's default: m=19 MiB, t=2, p=1
OWASP_SCRYPT = "scrypt:131072:8:1"
PASSWORD = "una frase de paso de prueba 2024"


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} no disponible")


def peak_rss_kib() -> int:
    """Peak resident set size of this process so far (VmHWM), in KiB."""
    return _status_kib("VmHWM")


def rss_kib() -> int:
    """Resident set size now (VmRSS), in KiB: what a worker keeps after its logins."""
    return _status_kib("VmRSS")


def measure_verify(method: str, runs: int) -> dict:
    """In a fresh process: time ``runs`` verifies; peak memory of hashing over the start."""
    from qms.auth import hashing

    baseline, resident = peak_rss_kib(), rss_kib()
    stored = hashing.hash_password(PASSWORD, method)
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        assert hashing.verify(stored, PASSWORD)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {"samples": samples, "cpu": cpu, "peak_extra_mib": (peak_rss_kib() - baseline) / 1024,
            "kept_mib": (rss_kib() - resident) / 1024, "scheme": hashing.scheme(stored)}


def _sustain(method: str, stored: str, seconds: float, start_at: float) -> tuple[int, int]:
    from qms.auth import hashing

    while time.time() < start_at:
        time.sleep(0.001)
    done = errors = 0
    deadline = start_at + seconds
    while time.time() < deadline:
        try:
            # Right and wrong passwords in turn: a morning has both.
            ok = hashing.verify(stored, PASSWORD if done % 2 == 0 else "otra cosa")
            if ok != (done % 2 == 0):
                errors += 1
        except Exception:  # noqa: BLE001 - an error of any kind is what is counted
            errors += 1
        done += 1
    return done, errors


def measure_throughput(method: str, seconds: float, processes: int = 2) -> dict:
    from qms.auth import hashing

    stored = hashing.hash_password(PASSWORD, method)
    start_at = time.time() + 1.0  # both processes begin together, after their start-up
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.starmap(_sustain, [(method, stored, seconds, start_at)] * processes)
    done = sum(r[0] for r in results)
    return {"per_second": done / seconds, "verifies": done, "errors": sum(r[1] for r in results)}


def measure_app_logins(method: str, runs: int) -> dict:
    """In a fresh process: POST /ingresar through the app, right, wrong and unknown, in turns."""
    import logging

    from qms import create_app
    from qms.auth import service
    from qms.extensions import db
    from qms.home.reference_data import load_reference_data

    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="bench_login_"))
    app = create_app({
        "INSTANCE_PATH": str(folder / "instance"), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/qms.sqlite3",
        "STORAGE_PATH": str(folder / "storage"), "INDEX_PATH": str(folder / "index"), "SEARCH_ENABLED": False,
        "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": method,
        # Hundreds of wrong passwords on purpose: the throttle would answer without hashing.
        "LOGIN_MAX_FAILURES": 10**6, "LOGIN_ADDRESS_MAX_FAILURES": 10**6,
    })
    with app.app_context():
        db.create_all()
        load_reference_data()
        service.create_user(None, username="persona", full_name="Persona de Prueba", password=PASSWORD,
                            roles=["staff"])
        db.session.commit()
    client = app.test_client()
    cases = {"right": ("persona", PASSWORD), "wrong": ("persona", "incorrecta-123"),
             "unknown": ("no-existe", "incorrecta-123")}
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (username, password) in cases.items():
            started = time.perf_counter()
            response = client.post("/ingresar", data={"username": username, "password": password})
            samples[name].append((time.perf_counter() - started) * 1000)
            assert (response.status_code == 302) == (name == "right"), (name, response.status_code)
            if name == "right":
                client.post("/salir")
    return {name: statistics.median(values) for name, values in samples.items()}


def _in_fresh_process(function, *args):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="verifies per method (in turns of 10)")
    parser.add_argument("--seconds", type=float, default=10, help="length of each two-core throughput run")
    parser.add_argument("--app-runs", type=int, default=20, help="logins of each kind through the app")
    parser.add_argument("--method", action="append", help="methods to compare (repeat)")
    args = parser.parse_args()
    methods = args.method or [BEFORE, AFTER, OWASP_SCRYPT]

    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    verify: dict[str, dict] = {m: {"samples": [], "cpu": [], "peak_extra_mib": 0.0, "kept_mib": 0.0}
                               for m in methods}
    for _ in range(max(1, args.runs // 10)):
        for method in methods:
            result = _in_fresh_process(measure_verify, method, min(10, args.runs))
            verify[method]["samples"] += result["samples"]
            verify[method]["cpu"] += result["cpu"]
            verify[method]["scheme"] = result["scheme"]
            verify[method]["peak_extra_mib"] = max(verify[method]["peak_extra_mib"], result["peak_extra_mib"])
            verify[method]["kept_mib"] = max(verify[method]["kept_mib"], result["kept_mib"])

    print("\nmethod               verify median  p10–p90 ms     CPU median  peak memory (kept)   2 cores measured "
          "(free: 2 × 1000 / CPU ms)")
    for method in methods:
        samples = sorted(verify[method]["samples"])
        deciles = statistics.quantiles(samples, n=10)
        cpu = statistics.median(verify[method]["cpu"])
        rate = measure_throughput(method, args.seconds)
        verify[method]["rate"] = rate
        print(f"{verify[method]['scheme']:<20} {statistics.median(samples):8.1f} ms  "
              f"{deciles[0]:6.1f}–{deciles[-1]:<6.1f}  {cpu:8.1f} ms  "
              f"+{verify[method]['peak_extra_mib']:6.1f} MiB ({verify[method]['kept_mib']:+5.1f})  "
              f"{rate['per_second']:6.1f} logins/s ({rate['verifies']} verifies, {rate['errors']} errors; "
              f"free {2000 / cpu:.1f}/s)")

    print("\nthrough the app (POST /ingresar, SQLite), median ms:   right   wrong  unknown")
    for method in methods:
        medians = _in_fresh_process(measure_app_logins, method, args.app_runs)
        print(f"{method:<52} {medians['right']:7.1f} {medians['wrong']:7.1f} {medians['unknown']:7.1f}")

    print("\nA morning: 100 people signing in at the same moment wait at most "
          + ", ".join(f"{100 / verify[m]['rate']['per_second']:.1f} s ({m})" for m in methods)
          + f"; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
