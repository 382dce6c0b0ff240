"""The ``qms`` command: init, demo, users, docs, tick (plus audit-log, search, storage, backup)."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import FlaskGroup, with_appcontext

from qms import create_app
from qms.db import refresh_statistics
from qms.extensions import db
from qms.trail.cli import write_checkpoint, audit_log_group
from qms.trail.cli import verify_command as audit_log_verify  # noqa: F401 - the name tests and scripts use


@click.group(cls=FlaskGroup, create_app=create_app)
def main():
    """QMS: documentos controlados y registros de calidad."""


@main.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database and load reference data (harmless to repeat)."""
    from flask_migrate import upgrade

    from qms.home.reference_data import load_reference_data

    upgrade()
    counts = load_reference_data()
    db.session.commit()
    refresh_statistics(db.engine)
    click.echo("Base de datos al día. Datos de referencia agregados: "
               + ", ".join(f"{k}={v}" for k, v in counts.items()))


@main.command("demo")
@with_appcontext
def demo_command():
    """Load the demo institution (once) and print the demo users."""
    from qms.demo.loader import DemoAlreadyLoaded, load_demo

    try:
        users = load_demo()
    except DemoAlreadyLoaded as already:
        users = already.users
        click.echo("La institución de demostración ya estaba cargada.")
    else:
        db.session.commit()
        from qms.search import maintenance

        maintenance.rebuild()
        click.echo("Institución de demostración cargada e indexada para la búsqueda.")
    click.echo("\nUsuarios de demostración (usuario / contraseña / rol):")
    for user in users:
        click.echo(f"  {user['username']:<12} {user['password']:<16} {', '.join(user['roles'])}")


@main.command("tick")
@with_appcontext
def tick_command():
    """Make effective the approved versions whose date has come."""
    from qms.documents import service

    count = service.tick()
    db.session.commit()
    click.echo(f"Versiones que entraron en vigencia: {count}")
    # The scheduled job also signs the trail's head outside the database, and keeps the
    # planner's statistics fresh.
    write_checkpoint()
    refresh_statistics(db.engine)


def periodic_jobs():
    """Every periodic job, in the order one round runs them: what makes notices first,
    the outbox that sends them last."""
    from flask import current_app

    from qms.core.jobs import Job
    from qms.documents import pdf_copies
    from qms.documents import service as documents
    from qms.notifications import digest, outbox, reminders
    from qms.search.queue import sync
    from qms.trail import checkpoints

    def tick():
        count = documents.tick()
        db.session.commit()
        return f"{count} versiones entraron en vigencia"

    def search_sync():
        report = sync(wait=5.0)
        return f"índice {report.skipped}" if report.skipped else f"{report.applied} aplicados, {report.failed} con error"

    def checkpoint():
        return str(checkpoints.write_lazily())

    return [
        Job("tick", "Vigencia de versiones aprobadas", tick),
        Job("reminders", "Recordatorios de plazos y escalamientos", lambda: f"{reminders.run()} avisos",
            every=int(current_app.config["REMINDERS_INTERVAL_SECONDS"])),
        Job("digests", "Resúmenes diarios", lambda: f"{digest.send_digests()} resúmenes", every=300),
        Job("outbox", "Envío de correos", lambda: str(outbox.send_due())),
        Job("purge", "Limpieza de avisos leídos y correos enviados antiguos",
            lambda: f"{outbox.purge()} filas eliminadas", every=86400),
        Job("search", "Índice de búsqueda", search_sync),
        Job("pdf", "Copias PDF de las versiones vigentes", pdf_copies.make_pending),
        Job("checkpoint", "Punto de control de la bitácora", checkpoint),
    ]


@main.group("jobs")
def jobs_group():
    """Periodic jobs (cron / systemd timer: `qms jobs run`)."""


@jobs_group.command("run")
@click.option("--only", multiple=True, help="Solo estos trabajos (repetible).")
@with_appcontext
def jobs_run(only):
    """Run every periodic job once; a job another runner holds is skipped."""
    from qms.core.jobs import run_all

    jobs = [job for job in periodic_jobs() if not only or job.name in only]
    for name, summary in run_all(jobs).items():
        click.echo(f"{name}: {summary}")


@main.command("worker")
@click.option("--interval", type=int, default=None, help="Segundos entre rondas (QMS_WORKER_INTERVAL_SECONDS).")
@click.option("--rounds", type=int, default=0, help="Detenerse tras N rondas (0: nunca).")
@with_appcontext
def worker_command(interval, rounds):
    """Run the periodic jobs in a loop, for production."""
    import time

    from flask import current_app

    from qms.core.jobs import run_all

    interval = interval or int(current_app.config["WORKER_INTERVAL_SECONDS"])
    done = 0
    while True:
        try:
            for name, summary in run_all(periodic_jobs()).items():
                click.echo(f"{name}: {summary}")
        except Exception as error:  # noqa: BLE001 - the database away for a while: try next round
            db.session.rollback()
            click.echo(f"ronda fallida: {type(error).__name__}: {error}", err=True)
        db.session.remove()
        done += 1
        if rounds and done >= rounds:
            return
        time.sleep(interval)


@main.group("users")
def users_group():
    """Users."""


@users_group.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Nombre completo.")
@click.option("--role", "roles", multiple=True, required=True, help="Rol (repetible): quality, author, ...")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--position", default="", help="Cargo.")
@click.option("--email", default="")
@with_appcontext
def users_create(username, full_name, roles, password, position, email):
    """Create a user."""
    from qms.auth import service
    from qms.errors import ServiceError

    try:
        user = service.create_user(None, username=username, full_name=full_name, password=password,
                                   roles=roles, position=position, email=email, check_policy=True)
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Usuario {user.username} creado con roles: {', '.join(user.role_names)}")


@users_group.command("list")
@with_appcontext
def users_list():
    """List users."""
    from qms.auth.models import User

    for user in db.session.scalars(sa.select(User).order_by(User.username)):
        state = "activo" if user.is_enabled else "desactivado"
        click.echo(f"{user.username:<16} {user.full_name:<32} {','.join(user.role_names):<24} {state}")


@main.group("docs")
def docs_group():
    """Controlled documents."""


@docs_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Salida JSON para scripts.")
@with_appcontext
def docs_list(as_json):
    """Print the document register."""
    from qms.documents.models import Document

    rows = []
    for document in db.session.scalars(sa.select(Document).order_by(Document.code)):
        effective = document.effective_version
        latest = document.latest_version
        rows.append({
            "code": document.code, "title": document.title, "type": document.type.code,
            "process": document.process.code, "state": latest.state if latest else None,
            "effective_version": effective.number if effective else None,
            "effective_date": effective.effective_date.isoformat() if effective and effective.effective_date else None,
        })
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        eff = f"v{row['effective_version']:02d}" if row["effective_version"] else "—"
        click.echo(f"{row['code']:<12} {row['type']:<3} {row['process']:<6} {eff:<5} {row['state']:<12} {row['title']}")


@main.group("import")
def import_group():
    """Importar documentos y registros existentes de la institución."""


def _register_optional_commands() -> None:
    """Attach the command groups that other modules own."""
    from qms.backup.cli import backup_command, restore_command
    from qms.documents.import_cli import import_documents_command
    from qms.records.import_cli import import_records_command
    from qms.documents.cli import render_command
    from qms.indicators.cli import indicators_group
    from qms.reviews.cli import review_group
    from qms.search.cli import search_group
    from qms.storage.cli import storage_group

    docs_group.add_command(render_command, "render")
    import_group.add_command(import_documents_command, "documents")
    import_group.add_command(import_records_command, "records")
    main.add_command(audit_log_group, "audit-log")
    main.add_command(backup_command, "backup")
    main.add_command(restore_command, "restore")
    main.add_command(search_group, "search")
    main.add_command(storage_group, "storage")
    main.add_command(indicators_group, "indicators")
    main.add_command(review_group, "review")


_register_optional_commands()
