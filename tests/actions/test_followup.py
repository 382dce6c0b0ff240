"""Follow-up: overdue tasks, verifications and PNC with aging (frozen clock), the committee view,
its filters and .xlsx export, and each module's ``inbox(user)``."""
import io
from datetime import date

import openpyxl
import pytest
from freezegun import freeze_time

from qms.actions import queries, service
from qms.audits import queries as audit_queries
from qms.extensions import db
from qms.nonconformities import queries as pnc_queries
from qms.nonconformities import service as pncs
from qms.org.models import Process
from tests.audits.factories import own_process, plan_audit

#: Everything is opened on 2 November and looked at on 22 November (noon UTC: same local day).
OPENED = "2026-11-02 12:00:00"
TODAY = "2026-11-22 12:00:00"


@pytest.fixture
def world(app, users, process):
    """GT (owned by staff): a SIAC action with a task due 10-11 and a verification planned 15-11, an
    open PNC (treatment due 12-11), a PNC closed in two days, and a planned audit that never started.
    CAL (owned by author): an improvement action with a task due at year end (not overdue)."""
    with freeze_time(OPENED):
        own_process(process, users)
        cal = Process(code="CAL", name="Gestión de la Calidad", kind="strategic", owner_id=users["author"].id)
        db.session.add(cal)
        db.session.flush()
        late = service.create_action(users["quality"], kind="corrective", source_kind="siac", source_ref="SIAC 4512",
                                     title="Reclamos por demora en certificados", problem="Demora de 30 días.",
                                     process=process, region_code="V", owner=users["staff"])
        service.add_task(users["quality"], late, description="Redistribuir la carga de la oficina de partes",
                         responsible=users["staff"], due_date=date(2026, 11, 10))
        service.plan_verification(users["quality"], late, planned_date=date(2026, 11, 15), verifier=users["auditor"])
        service.save_analysis(users["staff"], late, method="five_whys",
                              whys=[("¿Por qué se demoran?", "Una sola persona atiende la oficina de partes.")],
                              root_cause="Carga concentrada en una persona.")
        service.apply_transition(users["staff"], late, "start_implementation")
        fine = service.create_action(users["quality"], kind="improvement", source_kind="other",
                                     title="Mejorar el tablero de indicadores", problem="Datos manuales.", process=cal,
                                     region_code="RM", owner=users["author"])
        service.add_task(users["quality"], fine, description="Automatizar la carga", responsible=users["author"],
                         due_date=date(2026, 12, 31))
        open_pnc = pncs.report(users["staff"], output_kind="service", product="Certificado de residencia",
                               process=process, region_code="V", description="RUT equivocado.", detected_on=None)
        closed_pnc = pncs.report(users["staff"], output_kind="product", product="Informe regional",
                                 process=process, region_code="V", description="Tabla incompleta.",
                                 detected_on=date(2026, 11, 2))
        db.session.commit()
        audit = plan_audit(users, process, start=date(2026, 11, 9), end=date(2026, 11, 10))
    with freeze_time("2026-11-04 12:00:00"):  # closed on 4-11: it stops aging there
        pncs.treat(users["quality"], closed_pnc, treatment="correction", disposition="Se completó la tabla.",
                   authorised_by=users["approver"], treated_on=date(2026, 11, 3))
        pncs.reverify(users["quality"], closed_pnc, conforming=True, notes="Tabla completa.", on=date(2026, 11, 4))
        db.session.commit()
    return {"late": late, "fine": fine, "open_pnc": open_pnc, "closed_pnc": closed_pnc, "cal": cal,
            "audit": audit}


def _codes(rows):
    return [(r.kind, r.code) for r in rows]


def test_overdue_items_and_aging_with_a_frozen_clock(world):
    late, fine = world["late"], world["fine"]
    with freeze_time(TODAY):
        rows = queries.followup_rows(queries.FollowupFilters(state="overdue"))
        assert sorted(_codes(rows)) == sorted([
            ("action", late.code), ("task", f"{late.code} T1"), ("verification", f"{late.code} V1"),
            ("pnc", world["open_pnc"].code)])
        by_code = {r.code: r for r in rows}
        assert all(r.overdue for r in rows)
        assert by_code[late.code].age == 20 and by_code[late.code].due == date(2026, 11, 10)
        assert by_code[f"{late.code} T1"].age == 20 and by_code[f"{late.code} T1"].owner == "Persona Staff"
        verification = by_code[f"{late.code} V1"]
        assert verification.owner == "Persona Auditor" and verification.due == date(2026, 11, 15)
        assert by_code[world["open_pnc"].code].age == 20
        assert by_code[world["open_pnc"].code].due == date(2026, 11, 12)

        everything = {r.code: r for r in queries.followup_rows(queries.FollowupFilters(state="all"))}
        assert not everything[fine.code].overdue and everything[fine.code].age == 20
        assert not everything[f"{fine.code} T1"].overdue
        # a closed PNC stops aging on the day it closed
        closed = everything[world["closed_pnc"].code]
        assert closed.closed and closed.age == 2 and not closed.overdue

    # the day before each deadline nothing is overdue yet; the day after, it is
    with freeze_time("2026-11-10 12:00:00"):
        assert queries.followup_rows(queries.FollowupFilters(state="overdue")) == []
    with freeze_time("2026-11-11 12:00:00"):
        assert _codes(queries.followup_rows(queries.FollowupFilters(state="overdue", kind="task"))) == [
            ("task", f"{late.code} T1")]


def test_a_done_task_is_no_longer_overdue(world, users):
    late = world["late"]
    with freeze_time(TODAY):
        service.update_task(users["staff"], late.tasks[0], status="done", evidence_note="Acta de redistribución.")
        db.session.commit()
        rows = queries.followup_rows(queries.FollowupFilters(state="overdue"))
        assert ("task", f"{late.code} T1") not in _codes(rows)
        assert ("action", late.code) not in _codes(rows)
        task = {r.code: r for r in queries.followup_rows(queries.FollowupFilters(state="closed"))}[f"{late.code} T1"]
        assert task.age == 20  # opened 2-11, done 22-11


def test_followup_filters(world, process):
    late, fine = world["late"], world["fine"]
    with freeze_time(TODAY):
        def codes(**kwargs):
            return {r.code for r in queries.followup_rows(queries.FollowupFilters(state="all", **kwargs))}

        assert codes(process_id=world["cal"].id) == {fine.code, f"{fine.code} T1"}
        assert codes(process_id=process.id) == {late.code, f"{late.code} T1", f"{late.code} V1",
                                                world["open_pnc"].code, world["closed_pnc"].code}
        assert codes(region="RM") == {fine.code, f"{fine.code} T1"}
        assert codes(source="siac") == {late.code, f"{late.code} T1", f"{late.code} V1"}
        assert codes(source="pnc") == {world["open_pnc"].code, world["closed_pnc"].code}
        assert codes(kind="pnc", year=2026) == {world["open_pnc"].code, world["closed_pnc"].code}
        assert codes(year=2025) == set()
        open_rows = {r.code for r in queries.followup_rows(queries.FollowupFilters(state="open"))}
        assert world["closed_pnc"].code not in open_rows and world["open_pnc"].code in open_rows


def test_committee_view_filters_and_xlsx_export(world, client, login, process):
    late = world["late"]
    with freeze_time(TODAY):
        login("quality")
        page = client.get(f"/acciones/seguimiento?state=overdue&process={process.id}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f"{late.code} T1" in html and world["open_pnc"].code in html
        assert world["fine"].code not in html and "vencido" in html
        html = client.get("/acciones/seguimiento?state=all&region=RM").get_data(as_text=True)
        assert world["fine"].code in html and late.code not in html

        response = client.get("/acciones/seguimiento.xlsx?state=overdue")
        assert response.status_code == 200
        assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == tuple(queries.HEADERS)
        body = {row[1]: row for row in rows[1:]}
        assert set(body) == {late.code, f"{late.code} T1", f"{late.code} V1", world["open_pnc"].code}
        task = body[f"{late.code} T1"]
        assert task[0] == "Tarea" and task[3] == "GT" and task[4] == "V" and task[5] == "Reclamo SIAC"
        assert task[7] == "Persona Staff" and task[8].date() == date(2026, 11, 2)
        assert task[9].date() == date(2026, 11, 10) and task[10] == 20 and task[11] == "Sí"
        assert body[world["open_pnc"].code][5] == "Producto / servicio no conforme"

        export = client.get("/acciones/seguimiento.xlsx?state=all&source=other")
        filtered = openpyxl.load_workbook(io.BytesIO(export.data))
        assert [row[1] for row in filtered.active.iter_rows(min_row=2, values_only=True)] == [
            world["fine"].code, f"{world['fine'].code} T1"]


def test_followup_is_for_the_committee(world, client, login):
    login("staff")
    assert client.get("/acciones/seguimiento").status_code in (403, 404)
    assert client.get("/acciones/seguimiento.xlsx").status_code in (403, 404)


def _items(sections):
    """``{code: {"overdue": any item of that code overdue, "notes": [...]}}`` over every section."""
    found = {}
    for section in sections:
        for item in section["items"]:
            entry = found.setdefault(item["label"].split(" · ")[0], {"overdue": False, "notes": []})
            entry["overdue"] = entry["overdue"] or item["overdue"]
            entry["notes"].append(item["note"])
    return found


def test_each_inbox_returns_the_overdue_items_of_their_owner(world, users):
    late = world["late"]
    with freeze_time(TODAY):
        staff = _items(queries.inbox(users["staff"]))
        assert staff[late.code]["overdue"] is True  # the task of the plan
        assert "plazo 10-11-2026" in staff[late.code]["notes"]
        auditor = _items(queries.inbox(users["auditor"]))
        assert auditor[late.code]["overdue"] is True  # the verification planned for 15-11
        author = _items(queries.inbox(users["author"]))
        assert author[world["fine"].code]["overdue"] is False
        assert world["fine"].code not in staff and late.code not in author

        pnc_staff = _items(pnc_queries.inbox(users["staff"]))  # owner of GT
        assert pnc_staff[world["open_pnc"].code]["overdue"] is True
        assert world["closed_pnc"].code not in pnc_staff
        assert pnc_queries.inbox(users["author"]) == []  # owns CAL, which has no PNC
        assert world["open_pnc"].code in _items(pnc_queries.inbox(users["quality"]))  # the committee sees all

        audits = _items(audit_queries.inbox(users["auditor"]))
        assert audits[world["audit"].code]["overdue"] is True  # planned until 10-11, never started
        assert audit_queries.inbox(users["staff"]) == []
    with freeze_time("2026-11-05 12:00:00"):
        assert not any(i["overdue"] for i in _items(queries.inbox(users["staff"])).values())
        assert not any(i["overdue"] for i in _items(pnc_queries.inbox(users["staff"])).values())
        assert not any(i["overdue"] for i in _items(audit_queries.inbox(users["auditor"])).values())
