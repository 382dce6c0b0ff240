"""Import an institution's existing documents: their own codes, versions, dates and paper signatures.

A service, like ``service.py``: the quality committee's permission, the trail, search
indexing. Each document goes in whole or not at all (a savepoint around it); the caller
commits after each one, so an interrupted import keeps what it finished and a re-run
skips it (``legacy_plan`` recognises a code that holds the same files).

What an import does that the workflow never does, and only here:
* the legacy code is kept as it was, and the type's counter moves past it;
* effective dates in the past are the normal case;
* approvals on paper become **historical signatures** (``HistoricalSignature``: who
  signed on paper and when, who imported it and when), never electronic signatures;
* earlier versions are obsolete, in order, each until the next one took effect.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from time import monotonic

from qms import search
from qms.core import permissions as P
from qms.documents import control, numbering
from qms.documents.common import SEARCH_KIND, require, version_label
from qms.documents.legacy_plan import Plan, PlannedDocument, PlannedVersion
from qms.documents.models import Document, DocumentVersion, HistoricalSignature
from qms.extensions import db
from qms.storage import store
from qms.timeutil import add_months, local_zone, now_utc
from qms.trail import service as trail

CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}
#: authoring_mode of an imported version, by file kind: Word files are stamped like uploads.
MODES = {"docx": "word", "pdf": "pdf"}


@dataclass
class Summary:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    versions: int = 0
    #: Documents left for the next slice (``deadline``).
    pending: int = 0


def apply(actor, plan: Plan, bundle, *, commit=None, progress=None, deadline: float | None = None) -> Summary:
    """Import every document of ``plan`` without problems; ``commit`` runs after each one.

    ``progress(document)`` is called after each document (the CLI's bar). With
    ``deadline`` (a ``time.monotonic()`` value) it stops at the first document after it:
    the web imports in slices shorter than a worker's timeout, and the next slice skips
    what is done (``Summary.pending`` says how many remain).
    """
    require(actor, P.DOCUMENT_MANAGE)
    summary = Summary(skipped=[d.code for d in plan.skipped], refused=[d.code for d in plan.refused])
    remaining = list(plan.to_import)
    for planned in plan.to_import:
        # At least one document per slice, so every slice moves forward.
        if deadline is not None and summary.imported and monotonic() > deadline:
            summary.pending = len(remaining)
            break
        remaining.pop(0)
        with db.session.begin_nested():
            import_document(actor, planned, bundle)
        if commit is not None:
            commit()
        summary.imported.append(planned.code)
        summary.versions += len(planned.versions)
        if progress is not None:
            progress(planned)
    return summary


def import_document(actor, planned: PlannedDocument, bundle) -> Document:
    """Create one document with all its versions, files, paper signatures and official copies."""
    require(actor, P.DOCUMENT_MANAGE)
    document = Document(code=planned.code, title=planned.title, type=planned.doc_type, process=planned.process,
                        owner_id=actor.id, created_by_id=actor.id, regions=list(planned.regions))
    db.session.add(document)
    control.apply_defaults(document)
    numbering.move_counter_past(planned.code, planned.doc_type.code_pattern, planned.doc_type.code,
                                planned.process.code)
    versions = _import_versions(actor, document, planned, bundle)
    trail.record(actor, "document.imported", "document", document.id, document.code,
                 {"title": document.title, "type": planned.doc_type.code, "process": planned.process.code,
                  "regions": [r.code for r in planned.regions], "versions": [v.number for v in versions],
                  "sheet_rows": planned.rows})
    for version, row in zip(versions, planned.versions):
        trail.record(actor, "version.imported", "document_version", version.id, version_label(version),
                     {"number": version.number, "state": version.state, "file": row.path,
                      "source_sha256": version.source_sha256, "effective_date": version.effective_date.isoformat(),
                      "historical_signatures": {m: n for m, (n, _d) in row.signers.items()}})
        search.queue_index(SEARCH_KIND, version.id)
    return document


def _noon(day) -> datetime:
    """The instant an imported date stands for: noon in Santiago (the same day in every zone shown)."""
    return datetime.combine(day, time(12), tzinfo=local_zone())


def _new_version(actor, document: Document, row: PlannedVersion, bundle) -> DocumentVersion:
    from qms.documents.service import new_verification_code

    stored = store.put(bundle.read(row.path), CONTENT_TYPES[row.kind])
    version = DocumentVersion(
        document=document, number=row.number, state="in_approval", title=row.title,
        change_description=row.change_description, authoring_mode=MODES[row.kind],
        source_sha256=stored.sha256, source_text=row.text, verification_code=new_verification_code(),
        created_by_id=actor.id, updated_by_id=actor.id, effective_date=row.effective_date,
        review_due=add_months(row.effective_date, document.type.review_period_months),
        effective_at=_noon(row.effective_date),
    )
    db.session.add(version)
    imported_at = now_utc()
    for meaning, (name, signed_on) in row.signers.items():
        if name:
            db.session.add(HistoricalSignature(version=version, meaning=meaning, signer_name=name,
                                               signed_on=signed_on, imported_by_id=actor.id, imported_at=imported_at))
    return version


def _import_versions(actor, document: Document, planned: PlannedDocument, bundle) -> list[DocumentVersion]:
    """Create the versions in order, as the workflow would have: each one's copy generated while
    it is open, then in force, the one before it obsolete from that day."""
    from qms.documents import word

    versions: list[DocumentVersion] = []
    for row in planned.versions:
        version = _new_version(actor, document, row, bundle)
        db.session.flush()
        _official_copy(word, version)
        if versions:
            _supersede(word, versions[-1], _noon(row.effective_date))
        version.state = "effective"
        db.session.flush()
        versions.append(version)
    if planned.versions[-1].state == "obsolete":
        _supersede(word, versions[-1], now_utc())
        db.session.flush()
    return versions


def _supersede(word, version: DocumentVersion, at: datetime) -> None:
    version.state = "obsolete"
    version.obsolete_at = at
    if version.authoring_mode == "word":
        word.generate_obsolete_copy(version)
    else:
        version.obsolete_output_sha256 = version.source_sha256
    db.session.flush()


def _official_copy(word, version: DocumentVersion) -> None:
    """A Word original is stamped like an upload; a PDF original is its own copy, byte for byte."""
    if version.authoring_mode == "word":
        word.generate_official_copy(version)
    else:
        version.output_sha256 = version.source_sha256
        version.output_template = "pdf:original"
