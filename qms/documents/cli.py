"""``qms docs render CODE [--version N] [--format docx|pdf] -o FILE``: a version's Word or PDF file from the shell."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("render")
@click.argument("code")
@click.option("--version", "number", type=int, default=None,
              help="Número de versión (por omisión, la vigente o, si no hay, la última).")
@click.option("--format", "file_format", type=click.Choice(["docx", "pdf"]), default="docx",
              help="docx (por omisión) o pdf: la misma copia, con las mismas marcas, en PDF/A.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Archivo de salida (.docx o .pdf).")
@with_appcontext
def render_command(code: str, number: int | None, file_format: str, output: str):
    """Write a version's Word (or PDF) file: the stored copy if approved, else a draft render."""
    from qms.documents import delivery
    from qms.documents import service as documents
    from qms.errors import ServiceError
    from qms.extensions import db

    try:
        document = documents.get_document(code)
        version = _pick(document, number)
        result = (delivery.deliver_pdf if file_format == "pdf" else delivery.deliver)(None, version)
    except ServiceError as error:
        if isinstance(error, delivery.DownloadFailed):
            db.session.commit()  # the failure stays in the trail
        else:
            db.session.rollback()
        click.echo(error.message, err=True)
        sys.exit(1)
    Path(output).write_bytes(result.data)
    db.session.commit()
    click.echo(f"{document.code} {version.label} ({version.state_label}) -> {output} [{result.kind}]")


def _pick(document, number: int | None):
    from qms.errors import NotFound

    if number is None:
        version = document.effective_version or document.latest_version
    else:
        version = next((v for v in document.versions if v.number == number), None)
    if version is None:
        raise NotFound("No existe esa versión del documento.")
    return version
