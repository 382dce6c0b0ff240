"""The PMG pages: each renders, a refused form keeps what was typed, the reports' contents."""
import io
from datetime import date

import sqlalchemy as sa
from docx import Document as Docx
from openpyxl import load_workbook

from qms.extensions import db
from qms.pmg import queries, service
from qms.pmg.models import PmgScopeEntry


def csrf_off(app):
    app.config["WTF_CSRF_ENABLED"] = False


def test_every_page_renders_for_the_committee(app, client, login, year_2026, programme):
    login("quality")
    for path in ("/pmg/", "/pmg/2026", "/pmg/2026/referencia", "/pmg/2026/diagnostico", "/pmg/2026/alcance",
                 "/pmg/2026/plan", "/pmg/2026/programa"):
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get("/pmg/2026").get_data(as_text=True)
    assert "SGC-2026-E3-11" in page and "Pendiente" in page


def test_activity_ending_before_it_starts_keeps_the_typing(app, client, login, programme, users):
    csrf_off(app)
    login("quality")
    response = client.post("/pmg/2026/programa/actividades", data={
        "title": "Auditoría interna del proceso GT", "responsible_id": users["auditor"].id,
        "starts_on": "2026-06-10", "ends_on": "2026-06-01", "state": "pending", "progress": "0", "link_kind": ""})
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 409, 422)
    assert "antes de empezar" in page and 'value="Auditoría interna del proceso GT"' in page
    assert 'value="2026-06-10"' in page
    assert len(queries.programme(2026).activities) == 1


def test_scope_without_reason_keeps_the_typing(app, client, login, year_2026, process):
    csrf_off(app)
    login("quality")
    response = client.post("/pmg/2026/alcance", data={f"listed_{process.id}": "1", f"reason_{process.id}": ""})
    assert "fundamento para dejar el proceso GT" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PmgScopeEntry.id))) == 0


def test_the_head_of_service_approves_from_the_page(app, client, login, programme, users):
    csrf_off(app)
    activity = programme.activities[0]
    service.save_activity(users["quality"], programme, activity, title=activity.title, responsible=users["quality"],
                          starts_on=activity.starts_on, ends_on=activity.ends_on)
    db.session.commit()
    login("approver")
    response = client.post("/pmg/2026/programa/aprobar", data={"password": "clave-de-prueba-1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert queries.programme(2026).is_approved


def test_the_compliance_report_lists_each_medio_with_code_and_address(app, client, login, year_2026, users, process,
                                                                     make_document):
    service.set_scope(users["quality"], year=2026, entries=[(process, True, "", ["V"])])
    procedure = make_document(title="Procedimiento de atención", state="effective")
    db.session.commit()
    login("quality")
    response = client.get("/pmg/2026/informe.docx")
    assert response.status_code == 200
    document = Docx(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Informe de cumplimiento PMG 2026" in text
    assert "SGC-2026-E3-11 Programa de trabajo anual del tercer año" in text
    assert procedure.code in cells
    assert any(c.endswith(f"/verificar/{procedure.versions[0].verification_code}") for c in cells)
    assert "ALC-2026-GT" in cells
    response = client.get("/pmg/2026/informe.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:4] == ["Objetivo", "Etapa", "Descripción", "Estado"]
    procedure_row = next(r for r in rows if r[6] == procedure.code)
    assert procedure_row[0] == "SGC-2026-E3-11" and procedure_row[7].endswith(
        procedure.versions[0].verification_code)
    assert procedure_row[3] == "Pendiente" or procedure_row[3] == "En curso"


def test_the_report_of_a_year_without_commitment_is_a_404(client, login, app, users):
    login("quality")
    assert client.get("/pmg/2031/informe.docx").status_code == 404


def test_evidence_of_another_year_keeps_the_typing(app, client, login, year_2026):
    from qms.pmg.models import PmgObjective

    csrf_off(app)
    login("quality")
    objective = db.session.scalar(sa.select(PmgObjective).where(PmgObjective.year == 2026, PmgObjective.number == 12))
    response = client.post(f"/pmg/2026/objetivos/{objective.id}/evidencia", content_type="multipart/form-data", data={
        "kind": "management_review", "title": "Acta de la revisión de diciembre", "record_date": "2025-12-18",
        "file": (io.BytesIO(b"%PDF-1.4 acta"), "acta.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "es de 2025" in page and 'value="Acta de la revisión de diciembre"' in page and 'value="2025-12-18"' in page
    from qms.records.models import Record

    assert db.session.scalar(sa.select(sa.func.count(Record.id))) == 0


def test_approving_with_an_activity_without_responsible_is_refused_on_the_page(app, client, login, programme):
    csrf_off(app)
    login("approver")
    response = client.post("/pmg/2026/programa/aprobar", data={"password": "clave-de-prueba-1"})
    assert response.status_code == 400
    assert "no tienen responsable" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not queries.programme(2026).is_approved


def test_the_diagnosis_report_lists_each_clause_and_the_attributes(app, client, login, year_2026, users, process):
    process.has_territorial_focus = True
    db.session.commit()
    line = service.assess(users["quality"], year=2026, process=process, clause_number="8.2", rating="fails",
                          evidence="Registro de solicitudes.", gap="No se revisan los requisitos.")
    service.add_gap_activity(users["quality"], line, responsible=users["quality"], starts_on=date(2026, 4, 1),
                             ends_on=date(2026, 5, 1))
    db.session.commit()
    login("quality")
    response = client.get("/pmg/2026/diagnostico.docx")
    assert response.status_code == 200
    document = Docx(io.BytesIO(response.data))
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["GT", "8.2", "No cumple", "Registro de solicitudes.", "No se revisan los requisitos.", "1"] in rows
    assert any(r[0] == "GT Gestión Territorial" and r[1] == "perspectiva territorial" for r in rows)


def test_overdue_activities_are_highlighted(app, client, login, programme, users):
    first = programme.activities[0]  # ended on 30-04-2026 too, but done: not overdue
    service.save_activity(users["quality"], programme, first, title=first.title, starts_on=first.starts_on,
                          ends_on=first.ends_on, state="done", progress=100)
    service.save_activity(users["quality"], programme, title="Actividad vencida del primer trimestre",
                          responsible=users["quality"], starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 30))
    db.session.commit()
    login("quality")
    page = client.get("/pmg/2026/programa").get_data(as_text=True)
    start = page.index('<tr id="activity-2"')
    row = page[start:page.index("</tr>", start)]
    assert 'class="pmg-overdue"' in row and "Atrasada" in row
    first = page[page.index('<tr id="activity-1"'):]
    assert "Atrasada" not in first[:first.index("</tr>")]


def test_the_head_of_service_finds_the_programme_in_the_inbox(app, client, login, programme):
    login("approver")
    page = client.get("/pendientes").get_data(as_text=True)
    assert "Programas de trabajo PMG por aprobar" in page and "/pmg/2026/programa" in page


def test_the_trail_names_pmg_entries(app, client, login, year_2026):
    login("quality")
    page = client.get("/bitacora/").get_data(as_text=True)
    assert "Compromiso de etapa PMG registrado" in page and "PMG 2026" in page


def test_the_responsible_finds_their_open_activities_in_the_inbox(app, client, login, programme, users):
    from qms.timeutil import today_local

    mine = service.open_programme(users["quality"], today_local().year)
    service.save_activity(users["quality"], mine, title="Actualizar la ficha del proceso", responsible=users["auditor"],
                          starts_on=date(today_local().year, 1, 2), ends_on=date(today_local().year, 1, 3))
    service.save_activity(users["quality"], mine, title="Actividad ya terminada", responsible=users["auditor"],
                          starts_on=date(today_local().year, 1, 2), ends_on=date(today_local().year, 1, 3),
                          state="done")
    db.session.commit()
    login("auditor")
    page = client.get("/pendientes").get_data(as_text=True)
    assert "Mis actividades del programa de trabajo PMG" in page and "Actualizar la ficha del proceso" in page
    assert "Actividad ya terminada" not in page
