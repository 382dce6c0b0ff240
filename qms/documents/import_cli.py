"""``qms import documents FOLDER --metadata FILE.csv|.xlsx [--dry-run]``: bring in an existing register."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


def echo_problems(plan) -> None:
    for row, code, problem in plan.problems():
        where = f"fila {row}" if row else "planilla"
        click.echo(f"  {where} ({code or 'sin código'}): {problem}", err=True)


def echo_plan(plan, noun: str = "documentos") -> None:
    versions = sum(len(d.versions) for d in plan.to_import)
    click.echo(f"Se importarían {len(plan.to_import)} {noun} ({versions} versiones); "
               f"{len(plan.skipped)} ya importados se omiten; {len(plan.refused)} con problemas.")


@click.command("documents")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--metadata", "metadata", type=click.Path(dir_okay=False, exists=True), required=True,
              help="Planilla de metadatos (.csv o .xlsx), una fila por versión.")
@click.option("--dry-run", is_flag=True, help="Solo revisar: muestra lo que se crearía y los problemas, sin guardar.")
@click.option("--as", "username", default=None, help="Usuario del Comité de Calidad que importa.")
@with_appcontext
def import_documents_command(folder: str, metadata: str, dry_run: bool, username: str | None):
    """Import existing documents with their own codes, versions, dates and paper signatures."""
    from qms.auth.queries import importer
    from qms.core import permissions as P
    from qms.documents import legacy_import, legacy_plan
    from qms.errors import ServiceError
    from qms.extensions import db
    from qms.storage.bundles import FolderBundle

    try:
        actor = importer(username, P.DOCUMENT_MANAGE)
        bundle = FolderBundle(folder)
        plan = legacy_plan.plan_import(bundle, Path(metadata).read_bytes(), metadata)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    echo_plan(plan)
    echo_problems(plan)
    if dry_run:
        db.session.rollback()
        click.echo("Revisión sin cambios (--dry-run): no se guardó nada.")
        return
    with click.progressbar(length=len(plan.to_import), label="Importando", file=sys.stderr) as bar:
        summary = legacy_import.apply(actor, plan, bundle, commit=db.session.commit, progress=lambda _d: bar.update(1))
    click.echo(f"Importados {len(summary.imported)} documentos ({summary.versions} versiones); "
               f"omitidos {len(summary.skipped)} ya importados; {len(summary.refused)} no importados por problemas.")
    if summary.refused:
        sys.exit(1)
