"""Periodic jobs run once by ``qms jobs run`` and in a loop by ``qms worker``.

Each job takes a lease on its own row of ``job_locks`` before it runs: one conditional
UPDATE, so of two runners that overlap (a cron line and a worker, two machines) only one
runs a job at a time, on SQLite and PostgreSQL alike. A runner that dies leaves a lease
that expires after ``lease`` seconds. Each job is idempotent besides, so running it
again (or after a crash) repeats nothing. The outcome of the last run is kept on the
row for the administrator's page.
"""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import system_now

log = logging.getLogger(__name__)


class JobLock(db.Model):
    """The lease and the last outcome of one periodic job."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    #: Until when the runner named in ``holder`` owns the job (None: free).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    holder: Mapped[str] = mapped_column(sa.String(120), default="")
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the job reported ("3 mensajes enviados") or why it failed.
    last_result: Mapped[str] = mapped_column(sa.String(500), default="")
    last_failed: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<JobLock {self.name} until {self.locked_until}>"


@dataclass(frozen=True)
class Job:
    """A periodic job: ``run()`` does its work, commits what it needs and returns a summary."""

    name: str
    label: str
    run: Callable[[], object]
    #: Seconds after which a lease left by a dead runner is taken over.
    lease: int = 600
    #: Seconds that must pass since the job last started (a worker's round is a minute;
    #: reminders need not be looked for that often).
    every: int = 0


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(name: str, lease: int, holder: str | None = None, every: int = 0) -> bool:
    """Take the lease of job ``name`` for ``lease`` seconds; False when another runner holds
    it, or when it last started less than ``every`` seconds ago."""
    now = system_now()
    _ensure_row(name)
    rested = sa.true() if not every else sa.or_(JobLock.last_started_at.is_(None),
                                                JobLock.last_started_at <= now - timedelta(seconds=every))
    taken = db.session.execute(
        sa.update(JobLock)
        .where(JobLock.name == name, sa.or_(JobLock.locked_until.is_(None), JobLock.locked_until < now), rested)
        .values(locked_until=now + timedelta(seconds=lease), holder=holder or holder_name(), last_started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def _ensure_row(name: str) -> None:
    if db.session.get(JobLock, name) is not None:
        return
    try:
        db.session.add(JobLock(name=name))
        db.session.commit()
    except IntegrityError:  # another runner created it first
        db.session.rollback()


def release(name: str, result: str, failed: bool) -> None:
    db.session.execute(
        sa.update(JobLock).where(JobLock.name == name)
        .values(locked_until=None, last_finished_at=system_now(), last_result=result[:500], last_failed=failed)
        .execution_options(synchronize_session=False))
    db.session.commit()


def run_job(job: Job) -> str:
    """Run ``job`` under its lease; return what it reported, or why it did not run."""
    if not acquire(job.name, job.lease, every=job.every):
        return "omitido: otro proceso lo está ejecutando, o aún no le toca"
    try:
        result = job.run()
    except Exception as error:  # noqa: BLE001 - one failing job must not stop the others
        db.session.rollback()
        log.exception("job %s failed", job.name)
        summary = f"falló: {type(error).__name__}: {error}"
        release(job.name, summary, failed=True)
        return summary
    summary = "" if result is None else str(result)
    release(job.name, summary or "hecho", failed=False)
    return summary or "hecho"


def run_all(jobs: list[Job]) -> dict[str, str]:
    """Run every job once, in order; return ``{name: summary}``."""
    return {job.name: run_job(job) for job in jobs}


def last_runs() -> list[JobLock]:
    return db.session.scalars(sa.select(JobLock).order_by(JobLock.name)).all()
