"""``qms import records FOLDER --metadata FILE.csv|.xlsx [--dry-run]``: bring in existing records."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("records")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--metadata", "metadata", type=click.Path(dir_okay=False, exists=True), required=True,
              help="Planilla de metadatos (.csv o .xlsx), una fila por registro.")
@click.option("--dry-run", is_flag=True, help="Solo revisar: muestra lo que se crearía y los problemas, sin guardar.")
@click.option("--as", "username", default=None, help="Usuario del Comité de Calidad que importa.")
@with_appcontext
def import_records_command(folder: str, metadata: str, dry_run: bool, username: str | None):
    """Import existing records; retention runs from each record's own date."""
    from qms.auth.queries import importer
    from qms.core import permissions as P
    from qms.errors import ServiceError
    from qms.extensions import db
    from qms.records import legacy_import
    from qms.storage.bundles import FolderBundle

    try:
        actor = importer(username, P.RECORD_MANAGE)
        bundle = FolderBundle(folder)
        plan = legacy_import.plan_import(bundle, Path(metadata).read_bytes(), metadata)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Se importarían {len(plan.to_import)} registros; {len(plan.skipped)} ya importados se omiten; "
               f"{len(plan.refused)} con problemas.")
    for row, title, problem in plan.problems():
        click.echo(f"  fila {row} ({title or 'sin título'}): {problem}", err=True)
    if dry_run:
        db.session.rollback()
        click.echo("Revisión sin cambios (--dry-run): no se guardó nada.")
        return
    with click.progressbar(length=len(plan.to_import), label="Importando", file=sys.stderr) as bar:
        codes = legacy_import.apply(actor, plan, bundle, commit=db.session.commit, progress=lambda _r: bar.update(1))
    click.echo(f"Importados {len(codes)} registros; omitidos {len(plan.skipped)} ya importados; "
               f"{len(plan.refused)} no importados por problemas.")
    if plan.refused:
        sys.exit(1)
