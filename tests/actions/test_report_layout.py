"""What the Word reports print: auditees, the Ishikawa table by category, «Origen» once,
BORRADOR on an open CAPA, free text left-aligned."""
import io
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from freezegun import freeze_time

from qms.actions import service
from qms.audits import service as audits
from qms.extensions import db
from qms.storage import store
from tests.audits.factories import NOON, nonconformity, own_process, started_audit


def _tables(document):
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


@pytest.mark.parametrize("kind, reference, expected", [
    ("indicator", "Indicador GT-02", "Indicador GT-02"),
    ("indicator", "indicador GT-02", "indicador GT-02"),
    ("review", "Revisión por la dirección 2025, acuerdo 4", "Revisión por la dirección 2025, acuerdo 4"),
    ("siac", "12345", "Reclamo SIAC 12345"),
    ("other", "", "Otra"),
])
def test_origen_does_not_repeat_its_words(kind, reference, expected):
    from qms.actions.models import Action

    assert Action(source_kind=kind, source_ref=reference).source_line == expected


def test_the_pages_show_the_origen_once(app, client, login, users, process):
    from qms.actions import service

    action = service.create_action(users["quality"], kind="improvement", source_kind="review",
                                   source_ref="Revisión por la dirección 2025, acuerdo 4", title="Tablero",
                                   problem="Planillas a mano.", process=process, owner=users["quality"])
    db.session.commit()
    login("quality")
    for url in (f"/acciones/{action.code}", "/acciones/"):
        page = client.get(url).get_data(as_text=True)
        assert "Revisión por la dirección 2025" in page and "dirección Revisión por la dirección" not in page


@freeze_time(NOON)
def test_open_capa_report_is_a_draft_with_the_ishikawa_table_by_category(app, client, login, users, process):
    own_process(process, users)
    action = service.create_action(users["quality"], kind="corrective", source_kind="indicator",
                                   source_ref="Indicador GT-02", title="Informes fuera de plazo",
                                   problem="Bajo la meta.\nDos regiones sin informe.", owner=users["staff"])
    service.save_analysis(users["staff"], action, method="ishikawa",
                          causes=[("method", "Sin calendario de entrega"), ("manpower", "Sin reemplazo")],
                          root_cause="No hay calendario de entrega.")
    db.session.commit()
    login("quality")
    document = docx.Document(io.BytesIO(client.get(f"/acciones/{action.code}/informe").data))
    paragraphs = [p.text for p in document.paragraphs]
    assert "BORRADOR — acción en análisis, sin cerrar" in paragraphs
    tables = _tables(document)
    ishikawa = next(t for t in tables if t[0][0] == "Categoría (6M)")
    assert ishikawa[0] == ["Categoría (6M)", "Causa"]
    assert ["Métodos", "Sin calendario de entrega"] in ishikawa
    assert not any(t[0][1:2] == ["¿Por qué? y respuesta"] for t in tables)
    cells = [c for t in tables for row in t for c in row]
    assert "Indicador GT-02" in cells and "Indicador Indicador GT-02" not in cells
    problem = next(p for p in document.paragraphs if p.text.startswith("Bajo la meta."))
    assert problem.alignment == WD_ALIGN_PARAGRAPH.LEFT


@freeze_time(NOON)
def test_audit_report_lists_the_auditees(app, users, process):
    own_process(process, users)
    audit = started_audit(users, process)
    audits.apply_transition(users["auditor"], audit, "report", actual_end=date(2026, 3, 10),
                            conclusions="Sin hallazgos.", summary="Primera línea.\nSegunda línea.")
    db.session.commit()
    document = docx.Document(io.BytesIO(store.read(audit.report_sha256)))
    rows = [row for t in _tables(document) for row in t]
    assert ["Auditados(as)", "Persona Staff"] in rows
    summary = next(p for p in document.paragraphs if p.text.startswith("Primera línea."))
    assert summary.alignment == WD_ALIGN_PARAGRAPH.LEFT


@freeze_time(NOON)
def test_the_closed_capa_report_is_not_a_draft(app, users, process):
    from tests.actions.test_early_verification import WHYS
    from tests.audits.factories import second_auditor

    own_process(process, users)
    _finding, action = nonconformity(users, started_audit(users, process))
    owner, verifier = users["staff"], second_auditor(users)
    service.save_analysis(owner, action, method="five_whys", whys=WHYS, root_cause="Falta de aviso.")
    task = service.add_task(owner, action, description="Avisar", responsible=owner, due_date=date(2026, 3, 10))
    service.plan_verification(owner, action, planned_date=date(2026, 3, 10), verifier=verifier)
    service.apply_transition(owner, action, "start_implementation")
    service.update_task(owner, task, status="done", evidence_note="Correo.")
    service.apply_transition(owner, action, "request_verification")
    service.apply_transition(verifier, action, "verify_effective", evidence="Sin copias.")
    db.session.commit()
    document = docx.Document(io.BytesIO(store.read(action.report_sha256)))
    assert not any("BORRADOR" in p.text for p in document.paragraphs)
    assert any(t[0] == ["N°", "¿Por qué? y respuesta"] for t in _tables(document))
