"""The pages of indicators: a refusal keeps what was typed and writes nothing; the committee
confirms; a period below target raises its action; import (dry run) and export as .xlsx;
the committee's dashboard."""
from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from openpyxl import Workbook, load_workbook

from qms.extensions import db
from qms.indicators.models import Measurement

MARK = "Comentario que escribió la persona <y no se pierde>"


@pytest.fixture(autouse=True)
def october():
    with freeze_time("2026-10-15 15:00:00"):
        yield


def measurements():
    return db.session.scalars(sa.select(Measurement).order_by(Measurement.id)).all()


def post(client, url, data, **kwargs):
    response = client.post(url, data=data, **kwargs)
    page = response.get_data(as_text=True)
    return response, page


@pytest.mark.parametrize("numerator, denominator, period, message", [
    ("3", "0", "1", "denominador es cero"),
    ("60", "50", "1", "fuera del rango"),
    ("4", "5", "4", "aún no termina"),
    ("4", "5", "9", "no existe para un indicador de frecuencia trimestral"),
])
def test_a_refused_measurement_keeps_the_typing_and_writes_nothing(client, login, indicator, numerator,
                                                                   denominator, period, message):
    login("staff")
    response, page = post(client, f"/indicadores/{indicator.code}/medicion", {
        "year": "2026", "period": period, "numerator": numerator, "denominator": denominator, "comment": MARK})
    assert response.status_code == 400
    assert message in page
    assert "Comentario que escribió la persona &lt;y no se pierde&gt;" in page
    assert f'value="{numerator}"' in page
    db.session.rollback()
    assert measurements() == []


def test_enter_confirm_and_see_it_red_then_raise_the_action(app, client, login, indicator, users):
    login("staff")
    response, _page = post(client, f"/indicadores/{indicator.code}/medicion", {
        "year": "2026", "period": "2", "numerator": "30", "denominator": "50", "comment": "Segundo trimestre"})
    assert response.status_code == 302
    (m,) = measurements()
    assert client.post(f"/indicadores/medicion/{m.id}/confirmar").status_code == 403  # staff is not the committee
    client = app.test_client()
    login("quality", target=client)
    assert client.post(f"/indicadores/medicion/{m.id}/confirmar").status_code == 302
    page = client.get(f"/indicadores/{indicator.code}?year=2026").get_data(as_text=True)
    assert 'data-band="fails"' in page and "Abrir acción correctiva" in page
    assert client.post(f"/indicadores/medicion/{m.id}/accion", data={"owner_id": users["staff"].id}).status_code == 302
    page = client.get(f"/indicadores/{indicator.code}?year=2026").get_data(as_text=True)
    assert "AC-2026-001" in page and "Abrir acción correctiva" not in page
    # A confirmed measurement cannot be typed over: the page says so and keeps it.
    response, page = post(client, f"/indicadores/{indicator.code}/medicion", {
        "year": "2026", "period": "2", "numerator": "49", "denominator": "50"})
    assert response.status_code == 400 and "está confirmada y no se modifica" in page
    db.session.rollback()
    assert [x.value for x in measurements()] == [D(60)]


def test_a_disaggregated_form_shows_one_cell_per_region_and_sex(client, login, split_indicator):
    login("staff")
    page = client.get(f"/indicadores/{split_indicator.code}?year=2026").get_data(as_text=True)
    for field in ("n_V_F", "n_V_M", "d_RM_F", "d_RM_M"):
        assert f'name="{field}"' in page
    data = {"year": "2026", "period": "1", "n_V_F": "8", "d_V_F": "10", "n_V_M": "6", "d_V_M": "10",
            "n_RM_F": "18", "d_RM_F": "20", "n_RM_M": "0", "d_RM_M": "0"}
    assert client.post(f"/indicadores/{split_indicator.code}/medicion", data=data).status_code == 302
    (m,) = measurements()
    assert (m.numerator, m.denominator, m.value) == (D(32), D(40), D(80))


def test_a_refused_new_indicator_keeps_the_typing(client, login, users, process):
    login("quality")
    response, page = post(client, "/indicadores/nuevo", {"name": MARK, "process_id": "", "unit": "percent",
                                                         "direction": "higher", "frequency": "quarterly",
                                                         "factor": "100", "numerator_definition": "N"})
    assert response.status_code == 400
    assert "Elija el proceso" in page and "&lt;y no se pierde&gt;" in page


def _sheet(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Código", "Año", "Periodo", "Nombre", "Región", "Sexo", "Numerador", "Denominador"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(client, data: bytes, apply: bool):
    form = {"file": (io.BytesIO(data), "mediciones.xlsx")}
    if apply:
        form["apply"] = "1"
    return post(client, "/indicadores/importar", form, content_type="multipart/form-data")


def test_an_import_lists_each_rows_problems_and_writes_nothing(client, login, indicator, split_indicator):
    login("quality")
    sheet = _sheet([
        [indicator.code, 2026, 1, "T1", None, None, 40, 50],
        [indicator.code, 2026, 2, "T2", None, None, 5, 0],
        ["IND-NO-99", 2026, 1, "T1", None, None, 1, 2],
        [split_indicator.code, 2026, 1, "T1", "V", "Otro", 1, 2],
    ])
    response, page = _import(client, sheet, apply=True)
    assert response.status_code == 422
    assert "No se importó nada" in page
    assert "Fila 3:" in page and "denominador es cero" in page
    assert "Fila 4: El indicador «IND-NO-99» no existe." in page
    assert "Fila 5: El sexo «Otro» no se reconoce" in page
    db.session.rollback()
    assert measurements() == []


def test_a_clean_dry_run_writes_nothing_and_the_import_then_writes(client, login, indicator, split_indicator):
    login("quality")
    cells = [("V", "Mujeres", 8, 10), ("V", "Hombres", 6, 10), ("RM", "Mujeres", 18, 20), ("RM", "Hombres", 0, 0)]
    sheet = _sheet([[indicator.code, 2026, 1, "T1", None, None, 40, 50]]
                   + [[split_indicator.code, 2026, 1, "T1", r, s, n, d] for r, s, n, d in cells])
    response, page = _import(client, sheet, apply=False)
    assert response.status_code == 200 and "Prueba sin errores" in page
    db.session.rollback()
    assert measurements() == []
    response, _page = _import(client, sheet, apply=True)
    assert response.status_code == 200
    db.session.rollback()
    assert sorted((m.indicator_id, m.value) for m in measurements()) == [(indicator.id, D(80)),
                                                                         (split_indicator.id, D(80))]
    exported = client.get("/indicadores/exportar?year=2026")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Código"
    assert (indicator.code, 2026, 1, "T1", None, None, 40, 50, 80) in [r[:9] for r in rows]
    assert len(rows) == 1 + 1 + 4  # the plain indicator's period, and one row per region and sex


def test_the_dashboard_shows_the_traffic_light(app, client, login, indicator, users):
    from qms.indicators import service

    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="30", denominator="50")
    service.confirm(users["quality"], m)
    db.session.commit()
    login("staff")
    assert client.get("/tablero").status_code == 403
    client = app.test_client()
    login("quality", target=client)
    page = client.get("/tablero?year=2026").get_data(as_text=True)
    assert "No cumple: <strong>1</strong>" in page
    assert 'data-band="fails"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "Revisiones periódicas</a>: <strong>0</strong> vencidas" in page  # counted in SQL, no list


def test_the_cli_lists_and_exports(app, indicator, users, tmp_path):
    import json

    from qms.indicators import service
    from qms.indicators.cli import export_command, list_command

    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="45", denominator="50")
    service.confirm(users["quality"], m)
    db.session.commit()
    runner = app.test_cli_runner()
    listing = json.loads(runner.invoke(list_command, ["--json", "--year", "2026"]).output)
    assert (listing[0]["code"], listing[0]["ytd_value"], listing[0]["band"]) == (
        indicator.code, 90.0, "meets")
    target = tmp_path / "mediciones.xlsx"
    result = runner.invoke(export_command, ["2026", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][:3] == (indicator.code, 2026, 1)
