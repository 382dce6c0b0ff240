"""Institution templates: an administrator replaces a template by uploading a .docx.

The upload is checked like any Word file, then rendered with sample data in the
sandbox; only a template that renders (and still prints the code, title and version of
a controlled document) is accepted. Earlier versions stay in the store and the list.
"""
from __future__ import annotations

import functools

from flask import current_app

from qms.core import permissions as P
from qms.docgen import render, templates, trial, uploads
from qms.docgen.samples import SAMPLE_DOCUMENT_CONTEXT, SAMPLE_REPORT_CONTEXTS
from qms.docgen.text import body_text
from qms.errors import PermissionDenied
from qms.trail import service as trail


def _require(actor) -> None:
    if actor is None or not actor.can(P.ADMIN_TEMPLATES):
        raise PermissionDenied()


def managed_names() -> list[str]:
    """Return every template an administrator may replace."""
    return sorted(set(templates.builtin_names()) | {v.name for v in _recorded()})


def _recorded():
    import sqlalchemy as sa

    from qms.docgen.models import TemplateVersion
    from qms.extensions import db

    return db.session.scalars(sa.select(TemplateVersion))


def _all_text(document) -> str:
    parts = [body_text(document)]
    for section in document.sections:
        for story in (section.header, section.footer):
            parts.extend(p.text for t in story.tables for row in t.rows for cell in row.cells for p in cell.paragraphs)
            parts.extend(p.text for p in story.paragraphs)
    return "\n".join(parts)


def trial_render(name: str, data: bytes) -> None:
    """Render ``data`` as template ``name`` with sample data, in a child process bounded in
    time and memory (``trial``); raise UploadRejected if it fails or passes a limit."""
    message = trial.run_bounded(functools.partial(sample_render, name), data)
    if message:
        raise uploads.UploadRejected(message)


def sample_render(name: str, data: bytes) -> str | None:
    """Render ``data`` as template ``name`` with sample data; return None or why it is refused.

    Runs in the trial's child process: no application context, only the template's bytes.
    """
    try:
        if name in SAMPLE_REPORT_CONTEXTS:
            render.render_plain(data, SAMPLE_REPORT_CONTEXTS[name], time_limit=trial.RENDER_LIMIT)
            return None
        document = render.render_document(data, SAMPLE_DOCUMENT_CONTEXT, time_limit=trial.RENDER_LIMIT)
    except render.TemplateRenderError as exc:
        if "tardó demasiado" in exc.message:
            return trial.TIMEOUT_MESSAGE
        return f"La plantilla no se pudo generar con datos de ejemplo. {exc.message}"
    text = _all_text(document)
    sample = SAMPLE_DOCUMENT_CONTEXT
    required = {
        "el código del documento": sample["document"]["code"],
        "el título": sample["document"]["title"],
        "la versión": sample["version"]["label"],
    }
    missing = [label for label, value in required.items() if value not in text]
    if missing:
        return ("La plantilla no muestra " + ", ".join(missing) + ". Conserve las etiquetas {{ document.code }}, "
                "{{ document.title }} y {{ version.label }}.")
    return None


def upload_template(actor, name: str, data: bytes, comment: str):
    """Accept ``data`` as the next version of template ``name``; return the new version."""
    _require(actor)
    name = templates.normalise(name)
    if name not in managed_names():
        raise uploads.UploadRejected("Esa plantilla no existe.")
    uploads.validate_upload(data, current_app.config["MAX_UPLOAD_MB"], ("docx",))
    trial_render(name, data)
    version = templates.add_upload(actor, name, data, (comment or "").strip())
    trail.record(actor, "template.uploaded", "template", version.id, version.label,
                 {"sha256": version.sha256, "comment": version.comment})
    return version


def restore_builtin(actor, name: str):
    """Put the shipped template back in use (as a new version)."""
    _require(actor)
    version = templates.restore_builtin(actor, templates.normalise(name))
    trail.record(actor, "template.restored", "template", version.id, version.label, {"sha256": version.sha256})
    return version
