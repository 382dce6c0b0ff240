"""``qms search``: rebuild, check, sync and query the index from the command line."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext


@click.group("search")
def search_group():
    """Índice de búsqueda: reconstruir, verificar, sincronizar y consultar."""


@search_group.command("rebuild")
@click.option("--wait", default=60.0, show_default=True, help="Segundos a esperar el bloqueo de escritura.")
@with_appcontext
def rebuild_command(wait):
    """Rebuild the index from the database into a fresh directory and swap it in."""
    from qms.search import maintenance

    def progress(kind, done, total):
        if done == total or done % 5000 == 0:
            click.echo(f"  {kind}: {done}/{total}")

    try:
        stats = maintenance.rebuild(wait=wait, progress=progress)
    except (TimeoutError, maintenance.RebuildError) as exc:
        click.echo(f"No se pudo reconstruir el índice: {exc}.", err=True)
        sys.exit(1)
    click.echo(f"Índice reconstruido: {stats['total']} entradas en {stats['seconds']:.1f} s.")


@search_group.command("check")
@click.option("--fix", is_flag=True, help="Reparar las diferencias encontradas.")
@with_appcontext
def check_command(fix):
    """Report drift between index and database; exit 1 if any."""
    from qms.search import maintenance

    report = maintenance.check()
    _print_report(report)
    if fix and not report.is_clean:
        click.echo("Reparando…")
        try:
            report = maintenance.fix(report)
        except (TimeoutError, maintenance.RebuildError) as exc:
            click.echo(f"No se pudo reparar el índice: {exc}.", err=True)
            sys.exit(1)
        _print_report(report)
    if not report.is_clean:
        sys.exit(1)
    click.echo("El índice coincide con la base de datos.")


def _print_report(report) -> None:
    click.echo(f"Estado del índice: {report.health}{' (' + report.detail + ')' if report.detail else ''}")
    click.echo(f"Trabajos pendientes: {report.pending} (con errores: {report.failed})")
    for label, items in (("Faltan en el índice", report.missing), ("Sobran en el índice", report.extra),
                         ("Desactualizados", report.stale)):
        if items:
            shown = ", ".join(items[:10]) + (" …" if len(items) > 10 else "")
            click.echo(f"{label}: {len(items)} ({shown})")


@search_group.command("sync")
@click.option("--wait", default=30.0, show_default=True, help="Segundos a esperar el bloqueo de escritura.")
@with_appcontext
def sync_command(wait):
    """Apply the queued index jobs now."""
    from qms.search.maintenance import sync_jobs

    report = sync_jobs(wait=wait)
    if report.skipped:
        click.echo(f"No se aplicaron los trabajos: índice {report.skipped}.", err=True)
        sys.exit(1)
    click.echo(f"Trabajos aplicados: {report.applied}; con errores: {report.failed}.")
    from qms.search.maintenance import merge_segments

    segments = merge_segments(wait=wait)
    if segments is not None:
        click.echo(f"Segmentos del índice: {segments}.")
    for error in report.errors[:10]:
        click.echo(f"  {error}", err=True)
    if report.failed:
        sys.exit(1)


@search_group.command("query", context_settings={"ignore_unknown_options": True})
# Every word is the query, one beginning with "-" too (an exclusion: "control -registros");
# ``--`` also ends the options as usual.
@click.argument("words", nargs=-1, required=True)
@click.option("--user", "username", default=None, help="Buscar como este usuario (por defecto, con todos los permisos).")
@click.option("--json", "as_json", is_flag=True, help="Salida JSON.")
@click.option("--archived", is_flag=True, help="Incluir versiones obsoletas y anuladas.")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def query_command(words, username, as_json, archived, limit):
    """Print the results USERNAME would see for WORDS (code, kind, title, state, score)."""
    text = " ".join(words)
    from qms.search.service import SearchRequest, search

    from flask import current_app

    user = _user(username)
    # Hits carry links; outside a request they are built against the public address.
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or "http://localhost"):
        result = search(user, SearchRequest(text=text, per_page=limit, include_archived=archived))
    rows = [
        {"code": h.code or str(h.object_id), "kind": h.kind, "id": h.object_id,
         "title": str(h.title.striptags()), "state": h.state, "score": h.score, "url": h.url}
        for h in result.hits
    ]
    if as_json:
        click.echo(json.dumps({"total": result.total, "degraded": result.is_degraded,
                               "suggestion": result.suggestion, "results": rows}, ensure_ascii=False))
        return
    if result.is_degraded:
        click.echo(f"AVISO: {result.notice}", err=True)
    click.echo(f"{result.total} resultado(s)")
    for r in rows:
        click.echo(f"{r['code']:<16} {r['kind']:<10} {r['state']:<10} {r['score']:>8.2f}  {r['title']}")
    if result.suggestion:
        click.echo(f"¿Quiso decir «{result.suggestion}»?")


class _Operator:
    """A stand-in user holding every permission, for operators querying without --user."""

    is_authenticated = True
    id = 0
    username = "operador"
    full_name = "Operador (línea de comandos)"
    # No roles or unit of its own: confidential records, named by role, stay closed, in the
    # index and in the database fallback alike.
    roles = ()
    unit_id = None

    @property
    def permissions(self):
        from qms.core.permissions import PERMISSIONS

        return frozenset(PERMISSIONS)

    def can(self, permission):
        return True


def _user(username):
    if username is None:
        return _Operator()
    import sqlalchemy as sa

    from qms.auth.models import User
    from qms.extensions import db

    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.BadParameter(f"no existe el usuario {username!r}", param_hint="--user")
    return user
