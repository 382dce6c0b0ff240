"""Benchmark: how fast the outbox drains into a real SMTP server, with one and two runners.

    .venv/bin/python benchmarks/bench_notifications.py [--messages 500] [--runs 3] \\
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_ntf]

Each run writes ``--messages`` notifications (one outbox row each, through
``qms.notifications.notify``, timed as "writes/s"), then drains the outbox into an
aiosmtpd server on localhost with one runner, or with two threads at once (each message
still goes out once: the run fails otherwise). Every message is claimed, sent over its
own SMTP connection, journalled and marked, so the rate measures the guarantee's cost.
Prints each run and the medians. Not a timed test: results go in the README. With a
PostgreSQL URL the database is emptied: use one of your own.
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from qms import create_app  # noqa: E402
from qms.extensions import db  # noqa: E402


class Counter:
    def __init__(self):
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        header = next((line for line in envelope.content.split(b"\r\n") if line.lower().startswith(b"message-id:")), b"")
        with self.lock:
            self.ids.append(header.decode())
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_app(url: str | None, instance: Path, port: int):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{instance / 'bench.sqlite3'}", "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench", "STORAGE_PATH": str(instance / "storage"), "INDEX_PATH": str(instance / "index"),
        "SEARCH_ENABLED": False, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_FROM": "qms@bench.cl",
        "NOTIFY_JOURNAL_PATH": str(instance / "journal"), "BASE_URL": "https://calidad.example.cl",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SERVER_NAME": "localhost",
    })


def prepare(app):
    from qms.auth import service

    with app.app_context():
        db.drop_all()
        db.create_all()
        from qms.home.reference_data import load_reference_data

        load_reference_data()
        user = service.create_user(None, username="destinataria", full_name="Persona Destinataria",
                                   password="clave-de-prueba-1", roles=["staff"], email="destinataria@example.cl")
        db.session.commit()
        return user.id


def write(app, user_id: int, count: int, offset: int) -> float:
    from qms.auth.models import User
    from qms.notifications import notify

    with app.app_context():
        user = db.session.get(User, user_id)
        start = time.perf_counter()
        for number in range(count):
            notify("escalation", "process", offset + number, [user], f"Aviso de prueba {number}")
            if number % 50 == 49:
                db.session.commit()
        db.session.commit()
        return count / (time.perf_counter() - start)


def drain(app, runners: int) -> float:
    from qms.notifications import outbox

    start = time.perf_counter()

    def runner():
        with app.app_context():
            outbox.send_due(limit=100_000)
            db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    port = free_port()
    box = Counter()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    results: dict[str, list[float]] = {"writes/s": [], "1 runner msg/s": [], "2 runners msg/s": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(args.database_url, Path(tmp), port)
            user_id = prepare(app)
            offset = 0
            for run in range(args.runs):
                for runners in (1, 2):
                    box.ids.clear()
                    results["writes/s"].append(write(app, user_id, args.messages, offset))
                    offset += args.messages
                    seconds = drain(app, runners)
                    assert len(box.ids) == args.messages == len(set(box.ids)), "a message went out twice or not at all"
                    rate = args.messages / seconds
                    results[f"{runners} runner{'s' if runners > 1 else ''} msg/s"].append(rate)
                    print(f"run {run + 1}, {runners} runner(s): {rate:.0f} msg/s")
    finally:
        controller.stop()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n{backend}, {args.messages} messages, medians of {args.runs} runs:")
    for name, values in results.items():
        print(f"  {name}: {statistics.median(values):.0f}")


if __name__ == "__main__":
    main()
