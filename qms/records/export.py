"""The records register as an .xlsx workbook, streamed: rows, not records, in batches.

The export reads plain columns (the record's, its type's, process code, region and owner
names, and a count of its current files) in one select of the register's filters, and
the codes of linked documents with one more select per batch. No record object is built:
at 20,000 records, loading them (with their files, process, region, owner and documents)
took more time than writing the workbook.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from qms.auth.models import User
from qms.exports import xlsx_file
from qms.extensions import db
from qms.org.models import Process, Region
from qms.records.common import RETENTION_STATES, retention_state_of
from qms.records.models import DISPOSITIONS, Record, RecordFile, RecordType, record_documents
from qms.records.queries import RecordFilters, register_select
from qms.timeutil import format_date, today_local

EXPORT_HEADER = ["Código", "Título", "Tipo", "Fecha", "Proceso", "Región", "Responsable", "Conservar hasta",
                 "Disposición final", "Estado de conservación", "Archivos", "Documentos vinculados"]
WIDTHS = (20, 50, 40, 12, 10, 22, 28, 16, 24, 34, 9, 30)
#: Rows read per round trip (and per select of their linked documents).
EXPORT_BATCH = 500


def _rows_select(filters: RecordFilters, user, today: date):
    current_files = (sa.select(sa.func.count(RecordFile.id))
                     .where(RecordFile.record_id == Record.id, RecordFile.status != "destroyed")
                     .scalar_subquery())
    return (register_select(filters, user, today)
            .with_only_columns(Record.id, Record.code, Record.title, RecordType.code, RecordType.name,
                               RecordType.disposition, Record.record_date, Process.code, Region.name, User.full_name,
                               Record.retention_until, Record.state, Record.is_on_legal_hold,
                               RecordType.is_on_legal_hold, current_files, maintain_column_froms=False)
            .outerjoin(Process, Process.id == Record.process_id)
            .outerjoin(Region, Region.code == Record.region_code)
            .outerjoin(User, User.id == Record.owner_id))


def _linked_codes(record_ids: list[int]) -> dict[int, str]:
    """The codes of the documents each record evidences, in code order (its relationship's)."""
    documents = Record.documents.property.target  # the documents table, read without its module
    rows = db.session.execute(
        sa.select(record_documents.c.record_id, documents.c.code)
        .join(documents, documents.c.id == record_documents.c.document_id)
        .where(record_documents.c.record_id.in_(record_ids))
        .order_by(record_documents.c.record_id, documents.c.code))
    codes = defaultdict(list)
    for record_id, code in rows:
        codes[record_id].append(code)
    return {record_id: ", ".join(values) for record_id, values in codes.items()}


def _sheet_rows(filters: RecordFilters, user, today: date):
    result = db.session.execute(_rows_select(filters, user, today).execution_options(yield_per=EXPORT_BATCH))
    for batch in result.partitions():
        linked = _linked_codes([row[0] for row in batch])
        for (ident, code, title, type_code, type_name, disposition, record_date, process, region, owner,
             retention_until, state, record_hold, type_hold, files) in batch:
            yield [code, title, f"{type_code} · {type_name}", format_date(record_date), process or "",
                   region or "", owner or "", format_date(retention_until) if retention_until else "Permanente",
                   DISPOSITIONS.get(disposition, disposition),
                   RETENTION_STATES[retention_state_of(state, record_hold or type_hold, retention_until, today)],
                   files, linked.get(ident, "")]


def export_file(filters: RecordFilters, user, today: date | None = None):
    """Return the records ``user`` may see that match ``filters`` as a workbook, in a file.

    A few statements per batch of rows and one batch in memory, whatever the register's size.
    """
    today = today or today_local()
    return xlsx_file("Registros", EXPORT_HEADER, _sheet_rows(filters, user, today), widths=WIDTHS)
