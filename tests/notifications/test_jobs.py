"""`qms jobs run` runs every periodic job once; two runners never run one job together."""
from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from qms.cli import jobs_run
from qms.core import jobs
from qms.extensions import db
from qms.notifications import notify
from qms.notifications.models import OutboxMessage


def test_jobs_run_runs_each_job_and_sends_the_outbox(app, users, emails, mailbox, process):
    notify("escalation", "process", process.id, [users["staff"]], "Aviso por correo")
    db.session.commit()
    result = app.test_cli_runner().invoke(jobs_run)
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.strip().splitlines())
    assert set(lines) == {"tick", "reminders", "digests", "outbox", "purge", "search", "pdf", "checkpoint"}
    assert lines["outbox"].startswith("1 enviados")
    assert len(mailbox.to("staff@example.cl")) == 1
    again = app.test_cli_runner().invoke(jobs_run, ["--only", "outbox"])
    assert again.output.strip() == "outbox: 0 enviados, 0 con error, 0 recuperados del diario"
    assert len(mailbox.received) == 1
    runs = {run.name: run for run in jobs.last_runs()}
    assert runs["outbox"].last_result.startswith("0 enviados") and not runs["outbox"].last_failed
    assert db.session.scalar(sa.select(OutboxMessage.state)) == "sent"


def test_two_runners_never_run_one_job_at_the_same_time(app):
    inside, overlaps, results = [], [], []
    guard = threading.Lock()

    def slow():
        with guard:
            inside.append(1)
            if len(inside) > 1:
                overlaps.append(1)
        time.sleep(0.3)
        with guard:
            inside.pop()
        return "hecho lento"

    job = jobs.Job("slow", "Trabajo lento", slow, lease=60)
    start = threading.Barrier(2)

    def runner():
        with app.app_context():
            start.wait()
            results.append(jobs.run_job(job))
            db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert overlaps == []
    assert sorted(results) == ["hecho lento", "omitido: otro proceso lo está ejecutando, o aún no le toca"]
    # Released: the next round runs it again.
    assert jobs.run_job(job) == "hecho lento"


def test_a_failing_job_is_recorded_and_the_others_still_run(app):
    def broken():
        raise RuntimeError("sin conexión")

    summaries = jobs.run_all([jobs.Job("broken", "Roto", broken), jobs.Job("fine", "Bien", lambda: "ok")])
    assert summaries == {"broken": "falló: RuntimeError: sin conexión", "fine": "ok"}
    runs = {run.name: run for run in jobs.last_runs()}
    assert runs["broken"].last_failed and runs["broken"].locked_until is None


def test_a_job_with_a_rest_waits_for_it(app):
    runs = []
    job = jobs.Job("rested", "Con descanso", lambda: runs.append(1), every=3600)
    assert jobs.run_job(job) == "hecho"
    assert jobs.run_job(job).startswith("omitido")
    assert runs == [1]


def test_the_worker_runs_rounds(app, users, emails, mailbox, process):
    from qms.cli import worker_command

    notify("escalation", "process", process.id, [users["staff"]], "Aviso para el ciclo")
    db.session.commit()
    result = app.test_cli_runner().invoke(worker_command, ["--rounds", "2", "--interval", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.count("outbox: ") == 2
    assert len(mailbox.to("staff@example.cl")) == 1
