"""What must hold after any fault: the database, the store, the trail and the document rules."""
from __future__ import annotations

import json

import sqlalchemy as sa

from qms.extensions import db


def database_problems() -> list[str]:
    """Return what the database engine itself finds wrong (nothing, normally)."""
    if db.engine.dialect.name == "sqlite":
        found = [row[0] for row in db.session.execute(sa.text("PRAGMA integrity_check"))]
        problems = [] if found == ["ok"] else found
        problems += [str(tuple(row)) for row in db.session.execute(sa.text("PRAGMA foreign_key_check"))]
        return problems
    return [row[0] for row in db.session.execute(sa.text(
        "SELECT conname FROM pg_constraint WHERE NOT convalidated"))]


def document_problems() -> list[str]:
    """Return breaches of the document rules: one version in force, one signature per act, no gaps."""
    from qms.documents.models import DocumentVersion, Signature

    problems = []
    effective = db.session.execute(
        sa.select(DocumentVersion.document_id, sa.func.count()).where(DocumentVersion.state == "effective")
        .group_by(DocumentVersion.document_id).having(sa.func.count() > 1)).all()
    problems += [f"document {d} has {n} effective versions" for d, n in effective]
    # The fault tests never return a version, so nobody signs the same act twice.
    twice = db.session.execute(
        sa.select(Signature.version_id, Signature.meaning, Signature.user_id, sa.func.count())
        .group_by(Signature.version_id, Signature.meaning, Signature.user_id).having(sa.func.count() > 1)).all()
    problems += [f"version {v} signed «{m}» {n} times by user {u}" for v, m, u, n in twice]
    approvals = db.session.execute(
        sa.select(Signature.version_id, sa.func.count()).where(Signature.meaning == "approved")
        .group_by(Signature.version_id).having(sa.func.count() > 1)).all()
    problems += [f"version {v} approved {n} times" for v, n in approvals]
    numbers = db.session.execute(
        sa.select(DocumentVersion.document_id, sa.func.count(), sa.func.max(DocumentVersion.number))
        .group_by(DocumentVersion.document_id)).all()
    problems += [f"document {d}: {n} versions numbered up to {m}" for d, n, m in numbers if n != m]
    for state in ("approved", "effective", "obsolete"):
        unsigned = db.session.scalars(sa.select(DocumentVersion.id).where(
            DocumentVersion.state == state,
            ~sa.exists().where(Signature.version_id == DocumentVersion.id, Signature.meaning == "approved"))).all()
        problems += [f"version {v} is {state} without an approval signature" for v in unsigned]
    return problems


def trail_problem() -> str:
    """Return why the trail's hash chain does not verify (`qms audit-log verify`), or ''."""
    from flask import current_app

    from qms.cli import audit_log_verify

    result = current_app.test_cli_runner().invoke(audit_log_verify)
    return "" if result.exit_code == 0 else result.output


def storage_problems() -> list[dict]:
    """Return what `qms storage check` finds beyond orphans (a file written by a request
    that then died is an orphan: harmless, and reported)."""
    from flask import current_app

    from qms.storage.cli import check_command

    result = current_app.test_cli_runner().invoke(check_command, ["--json", "--grace", "0"])
    report = json.loads(result.output)
    return [p for p in report["problems"] if p["kind"] != "orphan"]


def all_problems() -> dict:
    """Return every problem found, by kind; an empty dict means everything holds."""
    db.session.rollback()
    found = {"database": database_problems(), "documents": document_problems(), "trail": trail_problem(),
             "storage": storage_problems()}
    db.session.rollback()
    return {kind: value for kind, value in found.items() if value}
