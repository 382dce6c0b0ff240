"""What a corrective or preventive action puts in the search index.

Registered on import; the app imports this module (``REGISTRATIONS`` in ``qms/__init__.py``).
"""
from __future__ import annotations

from qms.actions.access import can_view
from qms.actions.models import ACTION_KINDS, ACTION_STATES, Action
from qms.core import permissions as P
from qms.search.kinds import Entry
from qms.search.simple_kind import register_simple_kind

# Closed audits, actions and nonconformities are quality history that auditors look for:
# unlike obsolete documents, they are never hidden behind the "include archived" switch.


def _action_entry(action) -> Entry:
    body = "\n".join(p for p in [action.problem, action.correction, action.root_cause, action.source_ref,
                                 *[w.answer for w in action.whys], *[t.description for t in action.tasks]] if p)
    return Entry(
        kind="action", object_id=action.id, title=action.title, body=body, code=action.code,
        subtitle=f"{action.kind_label} · {action.state_label}", type=action.kind,
        process=action.process.code if action.process else "", state=action.state,
        state_label=ACTION_STATES.get(action.state, action.state),
        regions=[action.region_code] if action.region_code else [], date=action.opened_on,
        visibility=_visibility(action),
        link={"endpoint": "actions.detail", "values": {"action_code": action.code}},
        fingerprint=f"{action.state}:{action.cycle}:{len(action.tasks)}:{sorted(_visibility(action))}")


def _visibility(action) -> set[str]:
    """Who may open it (``access.can_view``): the committee, verifiers, its owner, task responsibles and verifiers."""
    people = {action.owner_id} | {t.responsible_id for t in action.tasks} | {v.verifier_id for v in action.verifications}
    return ({f"perm:{P.CAPA_MANAGE}", f"perm:{P.CAPA_VERIFY}", f"perm:{P.AUDIT_MANAGE}"}
            | {f"user:{person}" for person in people if person})


register_simple_kind("action", "Acción", "Acciones", Action, _action_entry, can_view, ACTION_STATES,
                     type_labels=ACTION_KINDS, text_columns=(Action.problem, Action.correction, Action.root_cause,
                                                             Action.source_ref))
