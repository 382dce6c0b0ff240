"""A refused action shows its page again with what was typed, in every form of audits,
actions (CAPA), nonconforming outputs and records (issue 13, item 3)."""
from __future__ import annotations

import io
from datetime import date
from html import escape

import pytest
from freezegun import freeze_time

from qms.extensions import db
from tests.audits.factories import NOON, load_record_types, nonconformity, own_process, plan_audit, started_audit

MARK = "Texto que escribió la persona <y no debe perderse>"


@pytest.fixture(autouse=True)
def record_types(app):
    load_record_types()


def refused(client, url, data, *kept, status=400, files=False):
    """POST ``data``; the same page comes back (no redirect) with the message and every ``kept`` text."""
    kwargs = {"content_type": "multipart/form-data"} if files else {}
    response = client.post(url, data=data, **kwargs)
    page = response.get_data(as_text=True)
    response.close()
    assert response.status_code == status, page[:2000]
    assert "alert-danger" in page or "invalid-feedback" in page
    for text in kept:
        assert escape(text, quote=True) in page or text in page, text
    return page


# -- audits ------------------------------------------------------------------------------------------
@pytest.fixture
def audit(app, users, process):
    with freeze_time(NOON):
        own_process(process, users)
        return started_audit(users, process)


@freeze_time(NOON)
def test_a_refused_report_keeps_summary_conclusions_and_end_date(client, login, audit):
    login("auditor")
    page = refused(client, f"/auditorias/{audit.code}/accion/report",
                   {"actual_end": "2026-03-01", "summary": MARK + " resumen", "conclusions": MARK + " conclusiones"},
                   MARK + " resumen", MARK + " conclusiones", 'value="2026-03-01"')
    assert "no puede ser anterior" in page


@freeze_time(NOON)
def test_a_refused_start_keeps_the_date(client, login, users, process):
    audit = plan_audit(users, process)
    login("auditor")
    refused(client, f"/auditorias/{audit.code}/accion/start", {"actual_start": "31-02-2026"}, 'value="31-02-2026"')


@freeze_time(NOON)
def test_refused_checklist_forms_keep_their_fields(client, login, audit):
    from qms.audits import service

    item = service.add_checklist_item(audit.lead_auditor, audit, question="¿Se controlan las copias?")
    db.session.commit()
    login("auditor")
    refused(client, f"/auditorias/{audit.code}/lista", {"question": "", "clause_number": "7.5.3"},
            'value="7.5.3" selected')
    page = refused(client, f"/auditorias/{audit.code}/lista/{item.id}", {"result": "inventado", "evidence": MARK},
                   f'value="{escape(MARK, quote=True)}"')
    # only the posted row gets the typing back
    assert page.count(escape(MARK, quote=True)) == 1
    refused(client, f"/auditorias/{audit.code}/lista/copiar", {"source_id": "0"}, "Elija la auditoría de origen.")


@freeze_time(NOON)
def test_a_refused_finding_keeps_everything_typed(client, login, audit):
    login("auditor")
    refused(client, f"/auditorias/{audit.code}/hallazgos",
            {"kind": "observation", "description": "", "requirement": MARK + " requisito",
             "evidence": MARK + " evidencia", "clause_number": "7.5.3"},
            MARK + " requisito", MARK + " evidencia", 'value="observation" selected', 'value="7.5.3" selected')


@freeze_time(NOON)
def test_refused_finding_page_forms_show_the_finding_again(client, login, users, audit):
    finding, action = nonconformity(users, audit)
    login("auditor")
    refused(client, f"/auditorias/{audit.code}/hallazgos/{finding.number}/anexos", {}, "Elija un archivo.",
            f"Hallazgo {finding.label}", files=True)


@freeze_time(NOON)
def test_refused_programme_forms_keep_their_fields(client, login, users, process):
    login("quality")
    refused(client, "/auditorias/programa", {"year": "1500", "objective": MARK}, MARK, 'value="1500"')
    assert client.post("/auditorias/programa", data={"year": "2026", "objective": "Programa"}).status_code == 302
    refused(client, "/auditorias/programa/2026/items", {"process_id": "0", "planned_month": "5",
                                                       "audit_type": "internal"},
            "Elija el proceso a auditar.", 'value="5" selected')
    client.post("/salir")
    login("approver")
    refused(client, "/auditorias/programa/2026/aprobar", {}, "no tiene auditorías planificadas")


# -- actions -----------------------------------------------------------------------------------------
@pytest.fixture
def action(app, users, process):
    with freeze_time(NOON):
        own_process(process, users)
        audit = started_audit(users, process)
        return nonconformity(users, audit)[1]


@freeze_time(NOON)
def test_refused_plan_forms_keep_their_fields(client, login, users, action):
    from qms.actions import service

    login("staff")
    refused(client, f"/acciones/{action.code}/tareas",
            {"description": MARK, "responsible_id": str(users["staff"].id), "due_date": "2020-01-01"},
            MARK, 'value="2020-01-01"')
    refused(client, f"/acciones/{action.code}/verificacion",
            {"planned_date": "2020-01-01", "verifier_id": str(users["auditor"].id)}, 'value="2020-01-01"')
    task = service.add_task(users["staff"], action, description="Retirar copias", responsible=users["staff"],
                            due_date=date(2026, 4, 30))
    service.save_analysis(users["staff"], action, method="five_whys", whys=[("¿Por qué?", "Porque sí.")],
                          root_cause="Falta de aviso.", similar_nonconformities="No.")
    db.session.commit()
    refused(client, f"/acciones/{action.code}/tareas/{task.id}", {"status": "inventado", "evidence_note": MARK},
            f'value="{escape(MARK, quote=True)}"')


@freeze_time(NOON)
def test_a_refused_verification_keeps_its_evidence(client, login, users, action):
    from qms.actions import service

    task = service.add_task(users["staff"], action, description="Retirar copias", responsible=users["staff"],
                            due_date=date(2026, 3, 15))
    service.save_analysis(users["staff"], action, method="five_whys", whys=[("¿Por qué?", "Porque sí.")],
                          root_cause="Falta de aviso.", similar_nonconformities="No.")
    service.plan_verification(users["staff"], action, planned_date=date(2026, 3, 20), verifier=users["auditor"])
    service.apply_transition(users["staff"], action, "start_implementation")
    service.update_task(users["staff"], task, status="done", evidence_note="Hecho.")
    service.apply_transition(users["staff"], action, "request_verification")
    db.session.commit()
    login("auditor")
    refused(client, f"/acciones/{action.code}/accion/verify_effective",
            {"evidence": MARK, "performed_on": "31-02-2026"}, MARK)


# -- nonconforming outputs ---------------------------------------------------------------------------
@pytest.fixture
def pnc(app, users, process):
    from qms.nonconformities import service

    with freeze_time(NOON):
        own_process(process, users)
        reported = service.report(users["staff"], output_kind="service", product="Certificado", process=process,
                                  region_code=None, description="Emitido con el RUT equivocado.",
                                  detected_on=date(2026, 3, 5))
        db.session.commit()
    return reported


@freeze_time(NOON)
def test_refused_pnc_forms_keep_their_fields(client, login, users, pnc):
    from qms.nonconformities import service

    login("quality")
    refused(client, f"/pnc/{pnc.code}/tratamiento",
            {"treatment": "concession", "disposition": MARK, "authorised_by_id": str(users["approver"].id),
             "treated_on": "2026-03-01"},
            MARK, 'value="2026-03-01"', 'value="concession" selected')
    refused(client, f"/pnc/{pnc.code}/accion", {"owner_id": "0"}, pnc.code)
    service.treat(users["quality"], pnc, treatment="correction", disposition="Nuevo certificado.",
                  authorised_by=users["approver"], treated_on=date(2026, 3, 6))
    db.session.commit()
    refused(client, f"/pnc/{pnc.code}/reverificacion",
            {"result": "nonconforming", "notes": MARK, "closure_notes": MARK + " cierre", "on": "2026-03-01"},
            MARK, MARK + " cierre", 'value="nonconforming" selected')


# -- records -----------------------------------------------------------------------------------------
@pytest.fixture
def record(app, users, process):
    from qms.records import service

    created = service.create_record(
        users["quality"], record_type=service.get_type_by_code("INF-AUD"), title="Informe", process=process,
        record_date=date(2019, 3, 15), data=b"%PDF-1.4\n% informe\n%%EOF\n", filename="informe.pdf")
    db.session.commit()
    return created


def test_refused_record_forms_keep_their_fields(client, login, record):
    login("quality")
    refused(client, f"/registros/{record.id}/archivos", {"reason": MARK}, MARK, files=True)
    refused(client, f"/registros/{record.id}/retencion-legal", {"is_on_hold": "y", "reason": ""},
            "Indique el motivo de la retención legal")
    refused(client, f"/registros/{record.id}/vinculos", {"kind": "inventado", "object_id": "3", "target": MARK},
            f'value="{escape(MARK, quote=True)}"')
    refused(client, "/registros/disposicion/proponer", {"comment": MARK}, MARK)
