"""How the audit trail shows audits, their findings and the yearly programmes
(see ``qms/trail/registry.py``).

An audit's entries follow ``access.can_view`` (the committee and auditors, and the
audit's auditees and process owners); a finding's follow its audit's, as its page does;
a programme's follow the programme pages (those who list audits and the approvers).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload, selectinload

from qms.audits import access
from qms.audits.models import Audit, AuditProgramme, Finding, audit_auditees, audit_processes
from qms.core import permissions as P
from qms.org.models import Process
from qms.core.trail_labels import namer
from qms.audits.workflow import WORKFLOW
from qms.audits.trail_labels import TRAIL_ACTION_LABELS, TRANSITION_NAMES
from qms.trail.registry import ObjectKind, loader, open_to, register
from qms.trail.wording import register_actions


def _visible_audits(user):
    """Return a ``visible_query`` result for audits: all for those who list them, else
    the audits where ``user`` is an auditee or owns an audited process."""
    if access.can_list(user):
        return True
    return sa.select(Audit.id).where(sa.or_(
        Audit.id.in_(sa.select(audit_auditees.c.audit_id).where(audit_auditees.c.user_id == user.id)),
        Audit.id.in_(sa.select(audit_processes.c.audit_id).join(Process, Process.id == audit_processes.c.process_id)
                     .where(Process.owner_id == user.id))))


def _visible_findings(user):
    audits = _visible_audits(user)
    if isinstance(audits, bool):
        return audits
    return sa.select(Finding.id).where(Finding.audit_id.in_(audits))


def _sees_programmes(user) -> bool:
    return access.can_list(user) or user.can(P.DOCUMENT_APPROVE)


#: The Spanish names of this module's trail actions, transition steps included.
NAME_ACTION = namer(TRAIL_ACTION_LABELS, WORKFLOW, TRANSITION_NAMES)

register(ObjectKind(
    object_type="audit", label="Auditoría",
    load=loader(Audit, selectinload(Audit.auditees), selectinload(Audit.processes)),
    can_view=access.can_view, visible_query=_visible_audits,
    describe=lambda audit: f"{audit.code} · {audit.title}",
    link=lambda audit: url_for("audits.detail", audit_code=audit.code),
))

register(ObjectKind(
    object_type="finding", label="Hallazgo de auditoría",
    load=loader(Finding, joinedload(Finding.audit).selectinload(Audit.auditees),
                joinedload(Finding.audit).selectinload(Audit.processes)),
    can_view=lambda user, finding: access.can_view(user, finding.audit), visible_query=_visible_findings,
    describe=lambda finding: f"{finding.label} · {finding.kind_label}",
    link=lambda finding: url_for("audits.finding_detail", audit_code=finding.audit.code,
                                 finding_number=finding.number),
))

register(ObjectKind(
    object_type="audit_programme", label="Programa de auditorías", load=loader(AuditProgramme),
    **open_to(_sees_programmes),
    describe=lambda programme: f"Programa {programme.year}",
    link=lambda programme: url_for("audits.programme", year=programme.year),
))

register_actions(TRAIL_ACTION_LABELS, name=NAME_ACTION)
