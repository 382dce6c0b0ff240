"""Create forms carry a one-time token: a second submit shows the first result (issue 13, item 9)."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.extensions import db
from tests.audits.factories import NOON, load_record_types, own_process, started_audit

TOKEN = "token-de-prueba-0123456789"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _twice(client, url, data, **kwargs):
    """Send the same form twice; both answers redirect to the same page, the second says so."""
    data = {**data, "submission_token": f"{TOKEN}-{url}"}
    first = client.post(url, data=dict(data), **kwargs)
    assert first.status_code == 302, first.get_data(as_text=True).split("</nav>")[-1][:1500]
    second = client.post(url, data=dict(data), **kwargs)
    assert second.status_code == 302 and second.location == first.location
    page = client.get(second.location).get_data(as_text=True)
    assert "Este formulario ya se había enviado" in page
    return first.location


@pytest.fixture(autouse=True)
def record_types(app):
    load_record_types()


@freeze_time(NOON)
def test_a_pnc_sent_twice_is_reported_once(client, login, users, process):
    from qms.nonconformities.models import Nonconformity

    login("staff")
    assert 'name="submission_token"' in client.get("/pnc/nuevo").get_data(as_text=True)
    _twice(client, "/pnc/nuevo", {"output_kind": "service", "product": "Certificado", "process_id": process.id,
                                  "description": "Con el RUT equivocado.", "detected_on": "2026-03-09"})
    assert _count(Nonconformity) == 1


@freeze_time(NOON)
def test_an_action_sent_twice_is_opened_once(client, login, users, process):
    from qms.actions.models import Action

    login("quality")
    _twice(client, "/acciones/nueva", {"kind": "corrective", "source_kind": "siac", "source_ref": "SIAC-1",
                                       "title": "Reclamo", "problem": "Atención tardía.", "process_id": process.id,
                                       "owner_id": users["staff"].id, "opened_on": "2026-03-09"})
    assert _count(Action) == 1


@freeze_time(NOON)
def test_an_audit_sent_twice_is_planned_once(client, login, users, process):
    from qms.audits.models import Audit

    login("quality")
    _twice(client, "/auditorias/nueva", {"audit_type": "internal", "title": "Auditoría", "processes": process.id,
                                         "lead_auditor_id": users["auditor"].id, "planned_start": "2026-03-20",
                                         "planned_end": "2026-03-21"})
    assert _count(Audit) == 1


@freeze_time(NOON)
def test_findings_checklist_items_and_tasks_sent_twice_are_created_once(client, login, users, process):
    from qms.actions.models import ActionTask
    from qms.audits.models import ChecklistItem, Finding

    own_process(process, users)
    audit = started_audit(users, process)
    login("auditor")
    _twice(client, f"/auditorias/{audit.code}/lista", {"question": "¿Se controlan las copias?"})
    _twice(client, f"/auditorias/{audit.code}/hallazgos", {"kind": "nc_minor", "description": "Copia sin control.", "requirement": "Controlar copias.",
                                                         "evidence": "Copia impresa.",
                                                         "clause_number": "7.5.3", "process_id": process.id})
    assert (_count(ChecklistItem), _count(Finding)) == (1, 1)
    action = db.session.scalars(sa.select(Finding)).one().action
    client.post("/salir")
    login("staff")
    _twice(client, f"/acciones/{action.code}/tareas", {"description": "Retirar copias", "due_date": "2026-04-30",
                                                       "responsible_id": users["staff"].id})
    assert _count(ActionTask) == 1


@freeze_time(NOON)
def test_programmes_and_their_items_sent_twice_are_created_once(client, login, users, process):
    from qms.audits.models import AuditProgramme, ProgrammeItem

    login("quality")
    _twice(client, "/auditorias/programa", {"year": "2027", "objective": "Programa"})
    _twice(client, "/auditorias/programa/2027/items", {"process_id": process.id, "planned_month": "5",
                                                       "audit_type": "internal"})
    assert (_count(AuditProgramme), _count(ProgrammeItem)) == (1, 1)


def test_a_record_sent_twice_is_registered_once(client, login, users, process):
    from qms.records import service
    from qms.records.models import Record

    login("quality")
    record_type = service.get_type_by_code("INF-AUD")
    url, token = "/registros/nuevo", {"submission_token": TOKEN}
    data = {"type_id": record_type.id, "title": "Informe", "record_date": "2026-03-09", "process_id": process.id,
            "region_code": ""}
    first = client.post(url, data={**data, **token, "file": (io.BytesIO(b"%PDF-1.4\n% a\n%%EOF\n"), "a.pdf")})
    assert first.status_code == 302, first.get_data(as_text=True)[:3000]
    second = client.post(url, data={**data, **token, "file": (io.BytesIO(b"%PDF-1.4\n% a\n%%EOF\n"), "a.pdf")})
    assert second.status_code == 302 and second.location == first.location
    assert _count(Record) == 1


def test_a_refused_form_keeps_its_token_and_can_be_sent_again(client, login, users, process):
    from qms.nonconformities.models import Nonconformity

    login("staff")
    data = {"output_kind": "service", "product": "Certificado", "process_id": process.id, "description": "",
            "submission_token": TOKEN}
    page = client.post("/pnc/nuevo", data=data).get_data(as_text=True)
    assert f'value="{TOKEN}"' in page and _count(Nonconformity) == 0
    response = client.post("/pnc/nuevo", data={**data, "description": "Con el RUT equivocado."})
    assert response.status_code == 302 and _count(Nonconformity) == 1


def test_the_same_form_committed_a_moment_ago_shows_its_result(app, users, monkeypatch):
    """GIVEN the first submit commits between the second's check and its insert
    THEN the second's insert fails on the unique token and it answers with the first result."""
    from qms.core import submissions

    db.session.add(submissions.FormSubmission(token=TOKEN, user_id=users["staff"].id, result_url="/pnc/PNC-1"))
    db.session.commit()
    real = submissions._result
    calls = []

    def missed_first(token, user):
        calls.append(token)
        return None if len(calls) == 1 else real(token, user)

    monkeypatch.setattr(submissions, "_result", missed_first)
    with app.test_request_context("/pnc/nuevo", method="POST", data={"submission_token": TOKEN}):
        assert submissions.claim(users["staff"]) == "/pnc/PNC-1"
    assert len(calls) == 2
