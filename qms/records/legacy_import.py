"""Import an institution's existing records: one sheet row per record, its files from a folder.

Each record goes through ``service.create_record`` (and ``add_file`` for its further
files): the committee's permission, the upload check of every file, the trail, search
indexing, a new ``REG-`` code and the retention computed from the record's **own** date,
so a record older than its retention is due for disposition at once and shows so. Each
row is all-or-nothing (a savepoint); the caller commits after each one, and a re-run
skips a row whose record exists already (same type, date, title and first file).
"""
from __future__ import annotations

from time import monotonic

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from qms.auth.models import User
from qms.core import permissions as P
from qms.core.checks import require
from qms.errors import ServiceError
from qms.extensions import db
from qms.org.models import Process, Region
from qms.records import service
from qms.records.models import Record, RecordFile, RecordType
from qms.storage import store
from qms.storage.sheets import read_sheet
from qms.timeutil import parse_date, today_local

COLUMNS = ("tipo", "titulo", "fecha", "proceso", "region", "responsable", "archivos")
OPTIONAL = ("descripcion",)


@dataclass
class PlannedRecord:
    row: int
    title: str = ""
    record_date: date | None = None
    record_type: RecordType | None = None
    process: Process | None = None
    region_code: str | None = None
    owner: User | None = None
    description: str = ""
    paths: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    already_imported: bool = False


@dataclass
class RecordPlan:
    records: list[PlannedRecord]

    @property
    def to_import(self):
        return [r for r in self.records if not r.problems and not r.already_imported]

    @property
    def skipped(self):
        return [r for r in self.records if r.already_imported and not r.problems]

    @property
    def refused(self):
        return [r for r in self.records if r.problems]

    def problems(self):
        return [(r.row, r.title, p) for r in self.records for p in r.problems]


def plan_import(bundle, sheet_data: bytes, sheet_name: str) -> RecordPlan:
    """Read the sheet and check every row and file; write nothing."""
    rows = read_sheet(sheet_data, sheet_name, COLUMNS, OPTIONAL)
    if not rows:
        raise ServiceError("La planilla de metadatos no tiene filas con registros.")
    types = {t.code.upper(): t for t in db.session.scalars(sa.select(RecordType))}
    processes = {p.code.upper(): p for p in db.session.scalars(sa.select(Process))}
    regions = {r.code.upper(): r.code for r in db.session.scalars(sa.select(Region))}
    users = {u.username.lower(): u for u in db.session.scalars(sa.select(User))}
    planned = [_read_row(row, types, processes, regions, users, bundle) for row in rows]
    return RecordPlan(planned)


def _read_row(row, types, processes, regions, users, bundle) -> PlannedRecord:
    cells = row.cells
    record = PlannedRecord(row=row.number, title=cells["titulo"].strip(), description=cells.get("descripcion", ""))
    problems = record.problems
    if not record.title:
        problems.append("Falta el título.")
    record.record_type = types.get(cells["tipo"].strip().upper())
    if record.record_type is None:
        problems.append(f"El tipo de registro «{cells['tipo']}» no existe.")
    try:
        record.record_date = parse_date(cells["fecha"])
        if record.record_date > today_local():
            problems.append("La fecha del registro no puede ser futura.")
    except ValueError:
        problems.append(f"La fecha «{cells['fecha']}» no es válida: use dd-mm-aaaa o aaaa-mm-dd.")
    if cells["proceso"].strip():
        record.process = processes.get(cells["proceso"].strip().upper())
        if record.process is None:
            problems.append(f"El proceso «{cells['proceso']}» no existe.")
    if cells["region"].strip():
        record.region_code = regions.get(cells["region"].strip().upper())
        if record.region_code is None:
            problems.append(f"La región «{cells['region']}» no existe.")
    if cells["responsable"].strip():
        record.owner = users.get(cells["responsable"].strip().lower())
        if record.owner is None:
            problems.append(f"No existe el usuario «{cells['responsable']}» (use su nombre de usuario).")
    record.paths = [p.strip() for p in cells["archivos"].split(";") if p.strip()]
    if not record.paths:
        problems.append("Falta al menos un archivo (columna «archivos», separados por «;»).")
    _check_files(record, bundle)
    _check_register(record)
    return record


def _check_files(record: PlannedRecord, bundle) -> None:
    from qms.storage import uploads

    for path in record.paths:
        try:
            data = bundle.read(path)
            uploads.check(data, path)
        except ServiceError as refused:
            record.problems.append(f"Archivo «{path}»: {refused.message}")
            continue
        record.hashes.append(store.sha256_of(data))


def _check_register(record: PlannedRecord) -> None:
    """The same type, date, title and first file already registered: imported before."""
    if record.problems or not record.hashes:
        return
    found = db.session.scalar(
        sa.select(Record.id).join(RecordFile, RecordFile.record_id == Record.id)
        .where(Record.type_id == record.record_type.id, Record.record_date == record.record_date,
               Record.title == record.title, RecordFile.sha256 == record.hashes[0]).limit(1))
    record.already_imported = found is not None


def apply(actor, plan: RecordPlan, bundle, *, commit=None, progress=None, deadline: float | None = None,
          left: list | None = None) -> list[str]:
    """Create every record of ``plan`` without problems; return their codes.

    With ``deadline`` (a ``time.monotonic()`` value) it stops at the first record after it,
    as the documents' import does: the web imports in slices shorter than a worker's timeout,
    and the next slice finds what is done already (``left`` receives what remains).
    """
    require(actor, P.RECORD_MANAGE)
    codes = []
    for index, planned in enumerate(plan.to_import):
        # At least one record per slice, so every slice moves forward.
        if deadline is not None and codes and monotonic() > deadline:
            if left is not None:
                left.extend(plan.to_import[index:])
            break
        with db.session.begin_nested():
            codes.append(import_record(actor, planned, bundle).code)
        if commit is not None:
            commit()
        if progress is not None:
            progress(planned)
    return codes


def import_record(actor, planned: PlannedRecord, bundle) -> Record:
    """Create one record with all its files, through the records service."""
    first, *others = planned.paths
    record = service.create_record(
        actor, record_type=planned.record_type, title=planned.title, record_date=planned.record_date,
        data=bundle.read(first), filename=first, process=planned.process, region_code=planned.region_code,
        owner=planned.owner, description=planned.description)
    for path in others:
        service.add_file(actor, record, data=bundle.read(path), filename=path, reason="Importado con el registro.")
    return record
