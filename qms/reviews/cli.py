"""``qms review render CODE -o acta.docx``: a management review's acta from the shell.

An approved review gives its stored acta (the record, byte for byte); one not yet
approved is rendered from its current data and marked as a draft.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("review")
def review_group():
    """Revisión por la dirección."""


@review_group.command("render")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Archivo .docx de salida.")
@with_appcontext
def render_command(code: str, output: str):
    """Write the acta of review CODE."""
    import sqlalchemy as sa

    from qms.docgen.service import render_report
    from qms.extensions import db
    from qms.reviews.models import ManagementReview
    from qms.reviews.report import acta_context
    from qms.reviews.service import pack_for
    from qms.storage import store

    review = db.session.scalar(sa.select(ManagementReview).where(ManagementReview.code == code.upper()))
    if review is None:
        click.echo(f"No existe la revisión {code}.", err=True)
        sys.exit(1)
    if review.acta_sha256:
        data, kind = store.read(review.acta_sha256), "acta aprobada"
    else:
        context = acta_context(review)
        if review.snapshot is None:
            context["inputs"] = [{"title": s["title"], "facts": s["facts"], "tables": s["tables"], "chart": s["chart"],
                                  "analysis": (review.analysis or {}).get(s["key"], "")}
                                 for s in pack_for(review)["sections"]]
        context["report"]["draft"] = f"revisión {review.state_label.lower()}, acta sin aprobar"
        data, kind = render_report("revision_direccion.docx", context), "borrador"
    Path(output).write_bytes(data)
    click.echo(f"{review.code} ({review.state_label}) -> {output} [{kind}]")
