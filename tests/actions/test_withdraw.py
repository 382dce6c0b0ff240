"""A PNC or a CAPA opened by mistake is withdrawn: committee only, with a reason, kept,
trailed and counted nowhere (follow-up list, inbox)."""
from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.actions import queries as action_queries
from qms.actions import service as actions
from qms.actions.models import Action
from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.nonconformities import queries as pnc_queries
from qms.nonconformities import service as pncs
from qms.nonconformities.models import Nonconformity
from qms.trail.models import AuditEntry
from tests.audits.factories import NOON, nonconformity, own_process, started_audit


def _codes(today=date(2026, 3, 10)):
    return {r.code for r in action_queries.followup_rows(action_queries.FollowupFilters(state="all"), today)}


def _pnc(users, process):
    pnc = pncs.report(users["staff"], output_kind="service", product="Certificado", process=process,
                      region_code=None, description="Duplicado por error.", detected_on=date(2026, 3, 9))
    db.session.commit()
    return pnc


@freeze_time(NOON)
def test_a_pnc_reported_by_mistake_is_withdrawn_with_a_reason(app, users, process):
    pnc = _pnc(users, process)
    assert pnc.code in _codes()
    with pytest.raises(PermissionDenied):
        pncs.withdraw(users["staff"], pnc, "Lo informé dos veces.")
    with pytest.raises(ServiceError) as refused:
        pncs.withdraw(users["quality"], pnc, "   ")
    assert refused.value.message == "El motivo de la anulación es obligatorio."
    db.session.rollback()
    pncs.withdraw(users["quality"], pnc, "Duplicado de PNC-2026-001.")
    db.session.commit()
    kept = db.session.get(Nonconformity, pnc.id)
    assert kept.state == "withdrawn" and kept.withdrawn_reason == "Duplicado de PNC-2026-001."
    assert kept.withdrawn_by_id == users["quality"].id and kept.withdrawn_at is not None
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "nonconformity")
                               .order_by(AuditEntry.seq.desc())).first()
    assert entry.details["transition"] == "withdraw" and entry.details["reason"] == "Duplicado de PNC-2026-001."
    assert pnc.code not in _codes()
    assert pnc_queries.inbox(users["quality"]) == []
    with pytest.raises(ServiceError):
        pncs.treat(users["quality"], kept, treatment="correction", disposition="x", authorised_by=users["quality"],
                   treated_on=None)


@freeze_time(NOON)
def test_an_action_opened_by_mistake_is_withdrawn_and_the_finding_needs_another(app, users, process):
    own_process(process, users)
    audit = started_audit(users, process)
    finding, action = nonconformity(users, audit)
    assert action.code in _codes()
    with pytest.raises(PermissionDenied):
        actions.withdraw(users["staff"], action, "No corresponde.")  # the owner is not the committee
    actions.withdraw(users["quality"], action, "Se abrió sobre el hallazgo equivocado.")
    db.session.commit()
    kept = db.session.get(Action, action.id)
    assert kept.state == "withdrawn" and kept.withdrawn_reason == "Se abrió sobre el hallazgo equivocado."
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "action.withdrawn")).one()
    assert action.code not in _codes()
    assert action_queries.inbox(users["staff"]) == []
    with pytest.raises(ServiceError):
        actions.update_details(users["quality"], kept, title="x", kind="corrective", problem="x", correction="")
    assert audit.unanswered_nonconformities == [finding]
    second = actions.raise_for_finding(users["quality"], finding, users["staff"])
    db.session.commit()
    assert finding.action_id == second.id and audit.unanswered_nonconformities == []


@freeze_time(NOON)
def test_the_withdraw_forms_are_for_the_committee(app, client, login, users, process):
    pnc = _pnc(users, process)
    login("staff")
    assert 'id="withdraw-pnc"' not in client.get(f"/pnc/{pnc.code}").get_data(as_text=True)
    assert client.post(f"/pnc/{pnc.code}/anular", data={"reason": "x"}).status_code in (403, 404)
    client.post("/salir")
    login("quality")
    assert 'id="withdraw-pnc"' in client.get(f"/pnc/{pnc.code}").get_data(as_text=True)
    client.post(f"/pnc/{pnc.code}/anular", data={"reason": "Informado dos veces."})
    html = client.get(f"/pnc/{pnc.code}").get_data(as_text=True)
    assert 'id="withdrawn"' in html and "Informado dos veces." in html and ">Anulado</span>" in html
