"""``qms backup [CARPETA]`` and ``qms restore CARPETA``."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("folder", required=False, type=click.Path(file_okay=False))
@with_appcontext
def backup_command(folder):
    """Copy database, files, keys and checkpoints consistently, with the application serving.

    FOLDER must be new or empty; by default instance/backups/qms-<fecha-hora>. Exit 1 if
    a stored file could not be copied (the backup is then incomplete).
    """
    from qms.backup.manifest import BackupError
    from qms.backup.service import backup

    try:
        result = backup(folder)
    except BackupError as error:
        click.echo(f"No se hizo el respaldo: {error}", err=True)
        sys.exit(1)
    manifest = result.manifest
    head = manifest["trail_head"]
    stored = sum(1 for name in manifest["files"] if name.startswith("storage/"))
    click.echo(f"Respaldo en {result.folder}: base de datos {manifest['database']['engine']}, "
               f"{stored} archivos, bitácora hasta la entrada {head['seq'] if head else 0}.")
    click.echo("Contiene las claves (secreta y de la bitácora): guárdelo tan protegido como la instancia.")
    if result.problems:
        for problem in result.problems:
            click.echo(f"  PROBLEMA: {problem}", err=True)
        click.echo("Respaldo incompleto: revise `qms storage check`.", err=True)
        sys.exit(1)


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def restore_command(folder):
    """Restore a backup into this empty instance and check it against its manifest (exit 1 on any difference).

    Refuses a target that is not empty: set QMS_INSTANCE_PATH to a new folder and
    QMS_DATABASE_URL to an empty database.
    """
    from qms.backup.manifest import BackupError
    from qms.backup.service import restore

    try:
        report = restore(folder)
    except BackupError as error:
        click.echo(f"No se restauró: {error}", err=True)
        sys.exit(1)
    for note in report.notes:
        click.echo(f"  {note}")
    if not report.ok:
        for problem in report.problems:
            click.echo(f"  DIFERENCIA: {problem}", err=True)
        click.echo("La restauración no coincide con el respaldo.", err=True)
        sys.exit(1)
    click.echo(f"Restaurado y verificado contra el manifiesto ({report.manifest['created_at']}).")
