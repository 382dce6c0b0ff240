"""How the audit trail shows records, record types and disposition batches
(see ``qms/trail/registry.py``).

* a record's entries follow ``access.can_view_record``: ``record.read``, and for a
  confidential type one of the type's named roles; anyone else does not learn that the
  record exists (its title and file names are in its entries' details);
* the retention table (``/registros/tipos``) lists every type to ``record.read``, so
  record types are visible to its holders;
* disposition batches are for the committee and the approvers, as their pages.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from qms.core import permissions as P
from qms.records.access import can_view_record, visible_filter
from qms.records.models import DispositionBatch, Record, RecordType
from qms.core.trail_labels import namer
from qms.records.trail_labels import TRAIL_ACTION_LABELS
from qms.trail.registry import ObjectKind, holders_of, loader, open_to, register
from qms.trail.wording import register_actions


#: The Spanish names of this module's trail actions, transition steps included.
NAME_ACTION = namer(TRAIL_ACTION_LABELS)

register(ObjectKind(
    object_type="record", label="Registro",
    load=loader(Record, selectinload(Record.type).selectinload(RecordType.allowed_roles)),
    can_view=can_view_record,
    visible_query=lambda user: sa.select(Record.id).where(visible_filter(user)),
    describe=lambda record: f"{record.code} · {record.title}",
    link=lambda record: url_for("records.detail", record_id=record.id),
))

register(ObjectKind(
    object_type="record_type", label="Tipo de registro", load=loader(RecordType),
    **open_to(holders_of(P.RECORD_READ)),
    describe=lambda record_type: f"{record_type.code} · {record_type.name}",
    link=lambda _record_type: url_for("records.types"),
))

register(ObjectKind(
    object_type="disposition", label="Disposición de registros", load=loader(DispositionBatch),
    **open_to(holders_of(P.RECORD_MANAGE, P.RECORD_DISPOSE)),
    describe=lambda batch: batch.code,
    link=lambda batch: url_for("records.batch", disposition_id=batch.id),
))

register_actions(TRAIL_ACTION_LABELS, name=NAME_ACTION)
