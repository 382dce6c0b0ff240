"""``qms storage ...`` commands."""
import json
import sys

import click
from flask.cli import with_appcontext

LABELS = {"missing": "FALTA", "altered": "ALTERADO", "orphan": "HUÉRFANO"}
ORPHAN_NOTICE = ("Los huérfanos son archivos sin registro, restos inofensivos de transacciones que no llegaron "
                 "a confirmarse (p. ej. tras una caída del proceso); nada los usa. Se eliminan los de más de "
                 "una hora con `qms storage gc --apply` (sin --apply solo se listan).")


@click.group("storage")
def storage_group():
    """Almacén de archivos."""


@storage_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Salida en JSON.")
@click.option("--grace", "grace_seconds", default=300, show_default=True,
              help="Segundos durante los que un archivo recién escrito y aún sin registro no se considera huérfano.")
@with_appcontext
def check_command(as_json, grace_seconds):
    """Re-hash every stored file; report missing, altered and orphan files.

    Exit 1 if a file is missing or altered; orphans alone are harmless (exit 0, with a
    notice). Read-only and safe while the application serves.
    """
    from qms.storage.check import check

    report = check(grace_seconds=grace_seconds)
    if as_json:
        click.echo(json.dumps({
            "ok": report.ok, "intact": report.intact, "checked": report.checked, "bytes": report.bytes_read,
            "recent_skipped": report.recent_skipped,
            "problems": [{"kind": p.kind, "sha256": p.sha256, "path": p.path, "detail": p.detail}
                         for p in report.problems]}, ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(f"{LABELS[problem.kind]:<9} {problem.sha256 or '-':<64}  {problem.path}  ({problem.detail})")
        counts = ", ".join(f"{LABELS[k].lower()}: {len(report.by_kind(k))}" for k in LABELS)
        click.echo(f"Archivos verificados: {report.checked} ({report.bytes_read} bytes). {counts}."
                   + (f" Recientes sin juzgar: {report.recent_skipped}." if report.recent_skipped else ""))
        if report.by_kind("orphan"):
            click.echo(ORPHAN_NOTICE)
        click.echo("Almacén íntegro." if report.intact else "Se encontraron problemas en el almacén.")
    sys.exit(0 if report.intact else 1)


@storage_group.command("gc")
@click.option("--apply", is_flag=True, help="Eliminar de verdad (sin esta opción solo se listan).")
@click.option("--min-age", "min_age_minutes", default=60, show_default=True, type=click.IntRange(min=1),
              help="Minutos desde la última modificación a partir de los cuales se elimina un archivo sin registro.")
@with_appcontext
def gc_command(apply, min_age_minutes):
    """Remove orphan and leftover temporary files older than an hour; a dry run unless --apply.

    The removal is recorded in the audit trail.
    """
    from qms.extensions import db
    from qms.storage.gc import collect

    report = collect(apply=apply, min_age_seconds=min_age_minutes * 60)
    if apply:
        db.session.commit()
    verb = "Eliminado" if apply else "Se eliminaría"
    for item in report.leftovers:
        click.echo(f"{verb}: {item.path} ({item.size} bytes, {'temporal' if item.kind == 'temporary' else 'huérfano'})")
    for path in report.unknown:
        click.echo(f"Inesperado (no se toca; revíselo a mano): {path}")
    total = f"{len(report.leftovers)} archivos, {report.bytes} bytes"
    if apply:
        click.echo(f"Eliminados {total}; quedó registrado en la bitácora.")
    else:
        click.echo(f"Simulación: se eliminarían {total}. Ejecute con --apply para eliminarlos.")
    if report.recent:
        click.echo(f"Sin registro pero modificados hace menos de {min_age_minutes} min (se dejan): {report.recent}.")
