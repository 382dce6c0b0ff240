"""What an audit puts in the search index: its text, findings and checklist questions.

Registered on import; the app imports this module (``REGISTRATIONS`` in ``qms/__init__.py``).
"""
from __future__ import annotations

from qms.audits.access import can_view
from qms.audits.models import AUDIT_STATES, AUDIT_TYPES, Audit
from qms.core import permissions as P
from qms.search.kinds import Entry, process_owner_token
from qms.search.simple_kind import register_simple_kind

# Closed audits, actions and nonconformities are quality history that auditors look for:
# unlike obsolete documents, they are never hidden behind the "include archived" switch.


def _audit_entry(audit) -> Entry:
    parts = [audit.objective, audit.summary, audit.conclusions]
    parts += [f"{f.kind_label} {f.clause_number or ''} {f.description} {f.evidence}" for f in audit.findings]
    parts += [i.question for i in audit.checklist]
    return Entry(
        kind="audit", object_id=audit.id, title=audit.title, body="\n".join(p for p in parts if p), code=audit.code,
        meta=" · ".join(p.name for p in audit.processes),
        subtitle=f"{audit.type_label} · {audit.state_label}", type=audit.audit_type,
        process=audit.processes[0].code if audit.processes else "", state=audit.state,
        state_label=AUDIT_STATES.get(audit.state, audit.state), regions=[r.code for r in audit.regions],
        date=audit.planned_start,
        visibility=_visibility(audit),
        link={"endpoint": "audits.detail", "values": {"audit_code": audit.code}},
        fingerprint=f"{audit.state}:{len(audit.findings)}:{len(audit.checklist)}:"
                    f"{sorted(u.id for u in audit.auditees)}:{sorted(p.id for p in audit.processes)}")


def _visibility(audit) -> set[str]:
    """Who may open it (``access.can_view``): the committee, auditors, its auditees and process owners."""
    return ({f"perm:{P.AUDIT_MANAGE}", f"perm:{P.AUDIT_PERFORM}", f"perm:{P.CAPA_MANAGE}"}
            | {f"user:{u.id}" for u in audit.auditees} | {process_owner_token(p.id) for p in audit.processes})


register_simple_kind("audit", "Auditoría", "Auditorías", Audit, _audit_entry, can_view, AUDIT_STATES,
                     type_labels=AUDIT_TYPES, text_columns=(Audit.objective, Audit.summary, Audit.conclusions))
