"""``qms storage ...`` commands."""
import json
import sys

import click
from flask.cli import with_appcontext

LABELS = {"missing": "FALTA", "altered": "ALTERADO", "orphan": "HUÉRFANO"}


@click.group("storage")
def storage_group():
    """Almacén de archivos."""


@storage_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Salida en JSON.")
@click.option("--grace", "grace_seconds", default=300, show_default=True,
              help="Segundos durante los que un archivo recién escrito y aún sin registro no se considera huérfano.")
@with_appcontext
def check_command(as_json, grace_seconds):
    """Re-hash every stored file; report missing, altered and orphan files (exit 1 if any).

    Read-only and safe while the application serves.
    """
    from qms.storage.check import check

    report = check(grace_seconds=grace_seconds)
    if as_json:
        click.echo(json.dumps({
            "ok": report.ok, "checked": report.checked, "bytes": report.bytes_read,
            "recent_skipped": report.recent_skipped,
            "problems": [{"kind": p.kind, "sha256": p.sha256, "path": p.path, "detail": p.detail}
                         for p in report.problems]}, ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(f"{LABELS[problem.kind]:<9} {problem.sha256 or '-':<64}  {problem.path}  ({problem.detail})")
        counts = ", ".join(f"{LABELS[k].lower()}: {len(report.by_kind(k))}" for k in LABELS)
        click.echo(f"Archivos verificados: {report.checked} ({report.bytes_read} bytes). {counts}."
                   + (f" Recientes sin juzgar: {report.recent_skipped}." if report.recent_skipped else ""))
        click.echo("Almacén íntegro." if report.ok else "Se encontraron problemas en el almacén.")
    sys.exit(0 if report.ok else 1)
