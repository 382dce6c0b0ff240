"""Every list page costs the same statements for a few rows or many: what a row shows is
loaded with the page, never one query per row (the guard against N+1)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.extensions import db
from tests.audits.factories import NOON, load_record_types, nonconformity, own_process, started_audit
from tests.records.conftest import pdf_bytes
from tests.statements import statements_for

LISTS = ["/auditorias/", "/acciones/", "/acciones/seguimiento", "/pnc/", "/registros/", "/bitacora/",
         "/pendientes", "/acciones/mis-pendientes", "/documentos/", "/indicadores/?year=2025",
         "/indicadores/objetivos", "/tablero?year=2025", "/revisiones/"]


def _add(users, process, make_document, count: int) -> None:
    from qms.indicators import service as indicators
    from qms.nonconformities import service as pnc
    from qms.reviews import service as reviews
    from qms.org.models import Process, Region
    from qms.records import service as records

    regions = db.session.scalars(sa.select(Region).order_by(Region.position)).all()
    for n in range(count):
        # Rows of their own process and region: a per-row load would show as a query per row.
        other = Process(code=f"P{count}{n}", name=f"Proceso {count}-{n}", kind="support")
        db.session.add(other)
        db.session.flush()
        records.create_record(users["quality"], record_type=records.get_type_by_code("INF-AUD"), title=f"Informe {n}",
                              record_date=date(2019, 3, 15), data=pdf_bytes(f"Informe {n}"), filename="informe.pdf",
                              process=other, region_code=regions[n % len(regions)].code)
        audit = started_audit(users, process)
        nonconformity(users, audit)  # a finding and the corrective action it raises
        pnc.report(users["staff"], output_kind="service", product=f"Certificado {n}", process=other,
                   region_code="V", description="Certificado emitido con el RUT equivocado.",
                   detected_on=date(2026, 3, 5))
        make_document(title=f"Procedimiento {n}", state="effective")
        # An objective, its indicator (of its own process) with a confirmed quarter below target
        # and its action, and a review.
        objective = indicators.save_objective(users["quality"], None, year=2025, statement=f"Objetivo {n}",
                                              owner=users["quality"], process=other)
        indicator = indicators.save_indicator(users["quality"], None, name=f"Indicador {n}", process=other,
                                              responsible=users["staff"], numerator_definition="N",
                                              denominator_definition="D", objective=objective, is_by_sex=n % 2 == 0)
        indicators.set_target(users["quality"], indicator, year=2025, target="90")
        measured = indicators.enter(users["staff"], indicator, year=2025, period=1, numerator="10", denominator="20",
                                    parts=[{"region_code": None, "sex": s, "numerator": "5", "denominator": "10"}
                                           for s in ("F", "M")])
        indicators.confirm(users["quality"], measured)
        indicators.raise_action(users["quality"], measured, users["staff"])
        reviews.plan(users["quality"], period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                     planned_on=date(2026, 1, 20), agenda="Entradas", participants=[users["staff"], users["quality"]])
    db.session.commit()


@pytest.fixture
def world(app, users, process):
    load_record_types()
    return own_process(process, users)


@pytest.mark.parametrize("role", ["quality", "staff"])
def test_list_pages_cost_no_more_statements_with_more_rows(app, login, users, world, make_document, role):
    with freeze_time(NOON):
        _add(users, world, make_document, 2)
        browser = app.test_client()
        login(role, target=browser)
        urls = [url for url in LISTS if browser.get(url).status_code == 200]
        assert "/pendientes" in urls and "/documentos/" in urls and "/indicadores/?year=2025" in urls
        assert ("/tablero?year=2025" in urls) is (role == "quality")
        few = {url: statements_for(browser, url) for url in urls}
        _add(users, world, make_document, 6)
        many = {url: statements_for(browser, url) for url in urls}
    grew = {url: (few[url], many[url]) for url in urls if many[url] > few[url]}
    assert grew == {}, f"statements grew with the rows (few, many): {grew}"


def _due_for_review(make_document, count: int, start: int) -> None:
    from qms.documents.models import DocumentVersion

    for n in range(start, start + count):
        document = make_document(title=f"Procedimiento vencido {n}", state="effective")
        version = document.versions[-1]
        # Two in three fell due before the frozen day (10-03-2026), the rest fall due within 30 days.
        db.session.execute(sa.update(DocumentVersion).where(DocumentVersion.id == version.id)
                           .values(review_due=date(2026, 3, 9 - n) if n % 3 else date(2026, 3, 20)))
    db.session.commit()


def test_the_reviews_page_is_paged_and_costs_the_same_for_many_rows(app, login, users, make_document, monkeypatch):
    """GIVEN documents whose periodic review is overdue or near
    THEN /documentos/revisiones shows one page of them with their owner, in the same
    statements for 3 rows or 9, and the rest on the next pages."""
    from qms.web import Page

    with freeze_time(NOON):
        _due_for_review(make_document, 3, 0)
        browser = app.test_client()
        login("quality", target=browser)
        page = browser.get("/documentos/revisiones").get_data(as_text=True)
        assert "Procedimiento vencido 2" in page and "Revisión vencida: <strong>2</strong>" in page
        few = statements_for(browser, "/documentos/revisiones")
        _due_for_review(make_document, 6, 3)
        many = statements_for(browser, "/documentos/revisiones")
        assert many == few
        monkeypatch.setattr(Page, "__init__", _paged_by(Page.__init__, 4))
        first = browser.get("/documentos/revisiones").get_data(as_text=True)
        third = browser.get("/documentos/revisiones?page=3").get_data(as_text=True)
    assert "Página 1 de 3" in first and first.count("Procedimiento vencido") == 4
    assert third.count("Procedimiento vencido") == 1


def _paged_by(init, per_page):
    def paged(self, statement, page, per_page_=None, **_kw):
        init(self, statement, page, per_page=per_page)
    return paged
