"""What audits, actions and nonconformities put in the search index.

Kinds ``audit`` (with its findings and checklist as text), ``action`` and
``nonconformity``. Registered on import (the blueprints import this module); the lead
should also list it in ``qms.search.kinds.KIND_MODULES`` so the CLI sees it without the app.
"""
from __future__ import annotations

import sqlalchemy as sa

from qms.core import permissions as P
from qms.search.kinds import Entry, Kind, register_kind


def _audit_entry(audit) -> Entry:
    from qms.audits.models import AUDIT_STATES

    parts = [audit.objective, audit.summary, audit.conclusions]
    parts += [f"{f.kind_label} {f.clause_number or ''} {f.description} {f.evidence}" for f in audit.findings]
    parts += [i.question for i in audit.checklist]
    parts += [p.name for p in audit.processes]
    return Entry(
        kind="audit", object_id=audit.id, title=audit.title, body="\n".join(p for p in parts if p), code=audit.code,
        subtitle=f"{audit.type_label} · {audit.state_label}", type=audit.audit_type,
        process=audit.processes[0].code if audit.processes else "", state=audit.state,
        state_label=AUDIT_STATES.get(audit.state, audit.state), regions=[r.code for r in audit.regions],
        date=audit.planned_start,
        visibility={f"perm:{P.AUDIT_MANAGE}", f"perm:{P.AUDIT_PERFORM}", f"perm:{P.CAPA_MANAGE}"},
        link={"endpoint": "audits.detail", "values": {"audit_code": audit.code}},
        fingerprint=f"{audit.state}:{len(audit.findings)}:{len(audit.checklist)}")


# Closed audits, actions and nonconformities are quality history that auditors look for:
# unlike obsolete documents, they are never hidden behind the "include archived" switch.


def _action_entry(action) -> Entry:
    from qms.actions.models import ACTION_STATES

    body = "\n".join(p for p in [action.problem, action.correction, action.root_cause, action.source_ref,
                                 *[w.answer for w in action.whys], *[t.description for t in action.tasks]] if p)
    return Entry(
        kind="action", object_id=action.id, title=action.title, body=body, code=action.code,
        subtitle=f"{action.kind_label} · {action.state_label}", type=action.kind,
        process=action.process.code if action.process else "", state=action.state,
        state_label=ACTION_STATES.get(action.state, action.state),
        regions=[action.region_code] if action.region_code else [], date=action.opened_on,
        visibility={f"perm:{P.CAPA_MANAGE}", f"perm:{P.CAPA_VERIFY}", f"perm:{P.AUDIT_MANAGE}",
                    f"user:{action.owner_id}"},
        link={"endpoint": "actions.detail", "values": {"action_code": action.code}},
        fingerprint=f"{action.state}:{action.cycle}:{len(action.tasks)}")


def _pnc_entry(pnc) -> Entry:
    from qms.nonconformities.models import PNC_STATES

    visibility = {f"perm:{P.NC_MANAGE}", f"perm:{P.CAPA_MANAGE}", f"user:{pnc.detected_by_id}"}
    if pnc.process and pnc.process.owner_id:
        visibility.add(f"user:{pnc.process.owner_id}")
    return Entry(
        kind="nonconformity", object_id=pnc.id, title=pnc.product,
        body="\n".join(p for p in [pnc.description, pnc.disposition, pnc.reverification_notes] if p), code=pnc.code,
        subtitle=f"{pnc.output_kind_label} no conforme · {pnc.state_label}", type=pnc.output_kind,
        process=pnc.process.code, state=pnc.state, state_label=PNC_STATES.get(pnc.state, pnc.state),
        regions=[pnc.region_code] if pnc.region_code else [], date=pnc.detected_on,
        visibility=visibility, link={"endpoint": "nonconformities.detail", "values": {"pnc_code": pnc.code}},
        fingerprint=f"{pnc.state}")


def _make(name, label, plural, model_path, to_entry, can_view_path, states_path):
    def model():
        module, attr = model_path.rsplit(".", 1)
        return getattr(__import__(module, fromlist=[attr]), attr)

    def can_view(user, obj):
        module, attr = can_view_path.rsplit(".", 1)
        return getattr(__import__(module, fromlist=[attr]), attr)(user, obj)

    def load(session, ids):
        m = model()
        return {o.id: to_entry(o) for o in session.scalars(sa.select(m).where(m.id.in_(list(ids))))}

    def all_ids(session):
        m = model()
        return session.scalars(sa.select(m.id).order_by(m.id)).all()

    def visible_ids(session, user, ids):
        m = model()
        return {o.id for o in session.scalars(sa.select(m).where(m.id.in_(list(ids)))) if can_view(user, o)}

    def fallback(session, user, text, limit, include_archived=False):
        m = model()
        query = sa.select(m)
        title = m.title if hasattr(m, "title") else m.product
        for word in (text or "").split()[:8]:
            query = query.where(sa.or_(title.ilike(f"%{word}%"), m.code.ilike(f"%{word}%")))
        if not include_archived:
            query = query.where(m.state != "closed")
        return [to_entry(o) for o in session.scalars(query.order_by(m.id.desc()).limit(limit)) if can_view(user, o)]

    def lookup_code(session, user, key):
        m = model()
        compact = sa.func.upper(sa.func.replace(m.code, "-", ""))
        obj = session.scalars(sa.select(m).where(compact == key.upper())).first()
        if obj is None or not can_view(user, obj):
            return None
        return to_entry(obj).link

    module, attr = states_path.rsplit(".", 1)
    states = getattr(__import__(module, fromlist=[attr]), attr)
    register_kind(Kind(name=name, label=label, plural=plural, load=load, all_ids=all_ids, visible_ids=visible_ids,
                       fallback=fallback, state_labels=dict(states), lookup_code=lookup_code))


_make("audit", "Auditoría", "Auditorías", "qms.audits.models.Audit", _audit_entry, "qms.audits.access.can_view",
      "qms.audits.models.AUDIT_STATES")
_make("action", "Acción", "Acciones", "qms.actions.models.Action", _action_entry, "qms.actions.access.can_view",
      "qms.actions.models.ACTION_STATES")
_make("nonconformity", "PNC", "Productos no conformes", "qms.nonconformities.models.Nonconformity", _pnc_entry,
      "qms.nonconformities.access.can_view", "qms.nonconformities.models.PNC_STATES")
