"""What a nonconforming output puts in the search index.

Registered on import; the app imports this module (``REGISTRATIONS`` in ``qms/__init__.py``).
"""
from __future__ import annotations

from qms.nonconformities.access import can_view
from qms.nonconformities.models import OUTPUT_KINDS, PNC_STATES, Nonconformity
from qms.core import permissions as P
from qms.search.kinds import Entry, process_owner_token
from qms.search.simple_kind import register_simple_kind

# Closed audits, actions and nonconformities are quality history that auditors look for:
# unlike obsolete documents, they are never hidden behind the "include archived" switch.


def _pnc_entry(pnc) -> Entry:
    visibility = {f"perm:{P.NC_MANAGE}", f"perm:{P.CAPA_MANAGE}", f"user:{pnc.detected_by_id}"}
    if pnc.process_id:
        visibility.add(process_owner_token(pnc.process_id))
    return Entry(
        kind="nonconformity", object_id=pnc.id, title=pnc.product,
        body="\n".join(p for p in [pnc.description, pnc.disposition, pnc.reverification_notes] if p), code=pnc.code,
        subtitle=f"{pnc.output_kind_label} no conforme · {pnc.state_label}", type=pnc.output_kind,
        process=pnc.process.code, state=pnc.state, state_label=PNC_STATES.get(pnc.state, pnc.state),
        regions=[pnc.region_code] if pnc.region_code else [], date=pnc.detected_on,
        visibility=visibility, link={"endpoint": "nonconformities.detail", "values": {"pnc_code": pnc.code}},
        fingerprint=f"{pnc.state}")


register_simple_kind("nonconformity", "PNC", "Productos no conformes", Nonconformity, _pnc_entry, can_view,
                     PNC_STATES, title_column=Nonconformity.product, type_labels=OUTPUT_KINDS,
                     text_columns=(Nonconformity.description, Nonconformity.disposition,
                                   Nonconformity.reverification_notes))
