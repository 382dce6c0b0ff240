"""Management reviews: the input pack, its snapshot at «held», decisions that become actions and
reappear in the next review, approval refused without attendance or analysis, the acta."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from docx import Document as Docx

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.reviews import service
from qms.reviews.pack import INPUTS
from qms.timeutil import on_day
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def november(app):
    from tests.audits.factories import load_record_types

    load_record_types()
    with on_day(date(2026, 11, 20)):
        yield


def _indicator_below_target(users, process):
    from qms.indicators import service as indicators

    item = indicators.save_indicator(users["quality"], None, name="Reclamos en plazo", process=process,
                                     responsible=users["staff"], numerator_definition="En plazo",
                                     denominator_definition="Recibidos", pmg_system_code="SIAC", is_by_sex=True)
    indicators.set_target(users["quality"], item, year=2026, target="90")
    m = indicators.enter(users["staff"], item, year=2026, period=1, parts=[
        {"region_code": None, "sex": "F", "numerator": "20", "denominator": "40"},
        {"region_code": None, "sex": "M", "numerator": "10", "denominator": "20"}])
    indicators.confirm(users["quality"], m)
    return item


def _analyse_all(users, review):
    service.save_analysis(users["quality"], review, {k: f"Análisis de {k}." for k in INPUTS})


def _section(pack, key):
    return next(s for s in pack["sections"] if s["key"] == key)


def test_the_pack_has_every_input_of_iso_9001_and_the_pmg(users, review):
    pack = service.pack_for(review)
    assert [s["key"] for s in pack["sections"]] == list(INPUTS)
    assert pack["period"] == "01-01-2026 al 31-10-2026"


def test_the_snapshot_stays_identical_after_the_data_changes(users, process, review):
    from qms.indicators import service as indicators

    item = _indicator_below_target(users, process)
    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["quality"].id])
    db.session.commit()
    frozen = service.pack_for(review)
    line = _section(frozen, "c5_monitoring")["tables"][0]["rows"][0][1]
    assert "50,0 %" in line and "No cumple" in line
    # Later the measurement is corrected and confirmed, and the target changes: the minutes do not.
    fix = indicators.correct(users["staff"], item, year=2026, period=1, reason="Se contaron mal", parts=[
        {"region_code": None, "sex": "F", "numerator": "40", "denominator": "40"},
        {"region_code": None, "sex": "M", "numerator": "20", "denominator": "20"}])
    indicators.confirm(users["quality"], fix)
    indicators.set_target(users["quality"], item, year=2026, target="50")
    db.session.commit()
    db.session.expire_all()
    assert service.pack_for(review) == frozen
    live = service.compile_pack(review.period_start, review.period_end, 2026, [])
    assert "100,0 %" in _section(live, "c5_monitoring")["tables"][0]["rows"][0][1]


def test_hold_needs_someone_present(users, review):
    with pytest.raises(ServiceError, match="asistieron"):
        service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[])
    db.session.rollback()
    assert review.state == "planned" and review.snapshot is None


def test_decisions_become_actions_and_reappear_in_the_next_review(users, review):
    from qms.actions.models import Action

    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["quality"].id])
    decision = service.add_decision(users["quality"], review, kind="improvement",
                                    description="Digitalizar el libro de reclamos", owner=users["staff"],
                                    due_date=date(2027, 3, 31), raise_action=True)
    plain = service.add_decision(users["quality"], review, kind="resource", description="Un analista más en la OIRS",
                                 owner=users["approver"], due_date=date(2027, 1, 31))
    db.session.commit()
    action = db.session.get(Action, decision.action_id)
    assert (action.kind, action.source_kind, action.source_ref) == ("improvement", "review", f"{review.code} D1")
    assert plain.action_id is None
    following = service.plan(users["quality"], period_start=date(2026, 11, 1), period_end=date(2027, 4, 30),
                             planned_on=date(2027, 5, 15), agenda="Seguimiento", participants=[users["quality"]])
    lines = _section(service.pack_for(following), "a_previous")["facts"]
    assert any(f"{review.code} D1" in line and action.code in line and "Abierta" in line for line in lines)
    assert any(f"{review.code} D2" in line and "Un analista más" in line for line in lines)


def test_approval_is_refused_without_the_analysis_of_each_input(users, review):
    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["approver"].id])
    service.save_analysis(users["quality"], review, {"a_previous": "Sin decisiones previas."})
    db.session.commit()
    with pytest.raises(ServiceError, match="Falta el análisis del comité de: b\\)"):
        service.approve(users["approver"], review, PASSWORD)
    db.session.rollback()
    assert review.state == "held"


def test_only_the_head_of_service_approves_and_with_the_password(users, review):
    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["approver"].id])
    _analyse_all(users, review)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        service.approve(users["quality"], review, PASSWORD)
    with pytest.raises(ServiceError):
        service.approve(users["approver"], review, "no-es-la-clave")
    db.session.rollback()
    assert review.state == "held"


def test_the_approved_acta_is_a_record_with_every_input_and_decision(users, process, review):
    from qms.records.models import Record
    from qms.storage import store

    _indicator_below_target(users, process)
    service.hold(users["quality"], review, held_on=date(2026, 11, 15),
                 attended_ids=[users["quality"].id, users["approver"].id])
    _analyse_all(users, review)
    service.add_decision(users["quality"], review, kind="qms_change", description="Actualizar el procedimiento SIAC",
                         owner=users["staff"], due_date=date(2027, 2, 28), raise_action=True)
    service.approve(users["approver"], review, PASSWORD)
    db.session.commit()
    record = db.session.get(Record, review.acta_record_id)
    assert record.type.code == "ACTA-RD"
    text = "\n".join(p.text for p in Docx(io.BytesIO(store.read(review.acta_sha256))).paragraphs)
    acta = Docx(io.BytesIO(store.read(review.acta_sha256)))
    tables = acta.tables
    # Each input with something to chart (here the indicators by band) carries it as a picture.
    charted = [x for x in review.snapshot["sections"] if x["chart"] and x["chart"]["labels"]]
    assert [x["key"] for x in charted] == ["c5_monitoring"]
    # ... and the monitoring input each indicator's trend against its target, as its page draws it.
    (monitoring,) = charted
    (trend,) = monitoring["trends"]
    assert trend["chart"]["type"] == "line" and trend["chart"]["datasets"][-1]["kind"] == "target"
    assert trend["title"] in text
    assert len(acta.inline_shapes) == len(charted) + 1
    cells = " ".join(c.text for t in tables for row in t.rows for c in row.cells)
    for title in INPUTS.values():
        assert title in text
    assert "Análisis de c6_audits." in text
    assert "Actualizar el procedimiento SIAC" in cells and "AC-2026-001" in cells
    assert "Persona Approver" in cells and "Sí" in cells
    with pytest.raises(ServiceError, match="aprobada"):
        service.save_analysis(users["quality"], review, {"a_previous": "otro"})


@pytest.mark.soffice
def test_the_acta_lays_out_in_libreoffice_with_every_input(users, process, review, tmp_path):
    import shutil

    from qms.storage import store
    from tests.docgen.test_libreoffice import SOFFICE, to_pdf_pages

    if SOFFICE is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) o pdftotext no están instalados")
    _indicator_below_target(users, process)
    service.hold(users["quality"], review, held_on=date(2026, 11, 15), attended_ids=[users["approver"].id])
    _analyse_all(users, review)
    service.approve(users["approver"], review, PASSWORD)
    db.session.commit()
    pages = to_pdf_pages(store.read(review.acta_sha256), tmp_path)
    text = " ".join(" ".join(page.split()) for page in pages)
    assert all("Código: RD-2026-01" in page for page in pages)
    for title in INPUTS.values():
        assert " ".join(title.split()) in text, title
    assert "Persona Approver" in text
