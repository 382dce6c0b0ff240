"""``qms audit-log ...``: verify the trail, sign a checkpoint, export it for an auditor."""
from __future__ import annotations

import sys
from datetime import datetime

import click
from flask.cli import with_appcontext


@click.group("audit-log")
def audit_log_group():
    """Bitácora: verificar, firmar un punto de control, exportar."""


def _local(iso: str) -> str:
    from qms.timeutil import format_datetime

    return format_datetime(datetime.fromisoformat(iso))


@audit_log_group.command("verify")
@with_appcontext
def verify_command():
    """Verify the keyed chain and the checkpoints; exit 1 naming the first broken entry or missing range."""
    from qms.trail.chain import describe
    from qms.trail.verify import verify_chain

    report = verify_chain(release_between_batches=True)
    if not report.ok:
        click.echo(describe(report, _local), err=True)
        sys.exit(1)
    click.echo(describe(report, _local))
    if not report.last_checkpoint and report.checked:
        click.echo("Aviso: sin puntos de control, un corte al final de la bitácora no se detectaría. "
                   "Ejecute `qms audit-log checkpoint` (o `qms tick`).")


@audit_log_group.command("checkpoint")
@with_appcontext
def checkpoint_command():
    """Sign the current head into the checkpoint log, outside the database (exit 1 if the trail does not verify)."""
    write_checkpoint()


def write_checkpoint() -> None:
    """Write a checkpoint and say so; exit 1 when refused (shared with ``qms tick``)."""
    from qms.trail import checkpoints

    try:
        outcome = checkpoints.write()
    except checkpoints.CheckpointRefused as refused:
        click.echo(f"No se firmó el punto de control: {refused}. Ejecute `qms audit-log verify`.", err=True)
        sys.exit(1)
    if outcome.checkpoint:
        cp = outcome.checkpoint
        click.echo(f"Punto de control firmado: entrada {cp['seq']} ({_local(cp['at'])}) "
                   f"en {checkpoints.log_path()}.")
    else:
        click.echo(f"Punto de control no necesario: {outcome.skipped}.")


@audit_log_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Archivo de salida (JSON lines); por omisión, la salida estándar.")
@with_appcontext
def export_command(output):
    """Export the trail with its head and last checkpoint, for verification offline with the key."""
    from qms.trail.chain import CheckpointError
    from qms.trail.export import export

    try:
        with click.open_file(output or "-", "w", encoding="utf-8") as handle:  # "-": standard output
            summary = export(handle)
    except CheckpointError as error:
        click.echo(f"No se exportó: {error}.", err=True)
        sys.exit(1)
    where = output or "la salida estándar"
    last = f"último punto de control: entrada {summary.checkpoint['seq']}" if summary.checkpoint else \
        "sin puntos de control"
    click.echo(f"Exportadas {summary.entries} entradas a {where} ({last}). Verifíquela sin conexión con "
               "`python3 qms/trail/chain.py ARCHIVO --key-file trail_key`.", err=not output)
