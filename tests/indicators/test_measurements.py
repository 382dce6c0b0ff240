"""Measurements through the service: entry, bad input refused with nothing changed, confirmation,
immutability and corrections, disaggregated totals, evidence and the corrective action."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.indicators import queries, service
from qms.indicators.models import Measurement
from qms.timeutil import on_day
from qms.trail.models import AuditEntry

TODAY = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def october():
    with on_day(TODAY):
        yield


def measurements():
    return db.session.scalars(sa.select(Measurement).order_by(Measurement.id)).all()


def test_the_responsible_enters_and_the_committee_confirms(indicator, users):
    m = service.enter(users["staff"], indicator, year=2026, period=2, numerator="45", denominator="50")
    assert (m.value, m.state) == (D(90), "entered")
    service.confirm(users["quality"], m)
    db.session.commit()
    series = queries.series(indicator, 2026)
    assert series.periods[1].band == "meets" and series.periods[1].pct == D(100)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == str(indicator.id))).all()
    assert {"measurement.entered", "measurement.confirmed"} <= set(actions)


@pytest.mark.parametrize("fields, message", [
    ({"numerator": "3", "denominator": "0"}, "denominador es cero"),
    ({"numerator": "60", "denominator": "50"}, "fuera del rango"),
    ({"numerator": "-1", "denominator": "50"}, "negativo"),
    ({"numerator": "abc", "denominator": "50"}, "no es un número"),
    ({"numerator": "1", "denominator": "2", "period": 5}, "no existe para un indicador de frecuencia trimestral"),
    ({"numerator": "1", "denominator": "2", "period": 4}, "aún no termina"),
])
def test_bad_input_is_refused_in_spanish_and_writes_nothing(indicator, users, fields, message):
    values = {"year": 2026, "period": 1} | fields
    with pytest.raises(ServiceError, match=message):
        service.enter(users["staff"], indicator, **values)
    db.session.rollback()
    assert measurements() == []


def test_someone_else_may_not_enter_the_measurement(indicator, users):
    with pytest.raises(PermissionDenied):
        service.enter(users["author"], indicator, year=2026, period=1, numerator="1", denominator="2")


def test_before_confirmation_the_entry_is_changed_in_place(indicator, users):
    service.enter(users["staff"], indicator, year=2026, period=1, numerator="40", denominator="50")
    service.enter(users["staff"], indicator, year=2026, period=1, numerator="41", denominator="50")
    assert [(m.revision, m.value) for m in measurements()] == [(1, D(82))]


def test_a_confirmed_measurement_never_changes_and_a_correction_is_a_new_revision(indicator, users):
    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="40", denominator="50")
    service.confirm(users["quality"], m)
    db.session.commit()
    with pytest.raises(ServiceError, match="está confirmada y no se modifica"):
        service.enter(users["staff"], indicator, year=2026, period=1, numerator="49", denominator="50")
    db.session.rollback()
    with pytest.raises(ServiceError, match="motivo"):
        service.correct(users["staff"], indicator, year=2026, period=1, reason=" ", numerator="49", denominator="50")
    db.session.rollback()
    fix = service.correct(users["staff"], indicator, year=2026, period=1, reason="Faltaban 9 reclamos de oficina",
                          numerator="49", denominator="50")
    db.session.commit()
    first, second = measurements()
    assert (first.value, first.state, second.revision, second.state) == (D(80), "confirmed", 2, "entered")
    # Until the correction is confirmed, the period's value is still the confirmed one.
    assert queries.series(indicator, 2026).periods[0].confirmed.value == D(80)
    service.confirm(users["quality"], fix)
    assert queries.series(indicator, 2026).periods[0].confirmed.value == D(98)


def test_whoever_entered_a_measurement_does_not_confirm_it(indicator, users):
    m = service.enter(users["quality"], indicator, year=2026, period=1, numerator="40", denominator="50")
    with pytest.raises(ServiceError, match="otra persona"):
        service.confirm(users["quality"], m)


def test_disaggregated_totals_are_the_sums_of_the_parts(split_indicator, users):
    parts = [
        {"region_code": "V", "sex": "F", "numerator": "8", "denominator": "10"},
        {"region_code": "V", "sex": "M", "numerator": "6", "denominator": "10"},
        {"region_code": "RM", "sex": "F", "numerator": "18", "denominator": "20"},
        {"region_code": "RM", "sex": "M", "numerator": "0", "denominator": "0"},
    ]
    m = service.enter(users["staff"], split_indicator, year=2026, period=1, parts=parts,
                      numerator="999", denominator="1")  # typed totals are ignored
    assert (m.numerator, m.denominator, m.value) == (D(32), D(40), D(80))
    assert len(m.parts) == 4


def test_a_missing_part_is_refused(split_indicator, users):
    with pytest.raises(ServiceError, match=r"numerador \(región RM · hombres\)"):
        service.enter(users["staff"], split_indicator, year=2026, period=1, parts=[
            {"region_code": "V", "sex": "F", "numerator": "8", "denominator": "10"},
            {"region_code": "V", "sex": "M", "numerator": "6", "denominator": "10"},
            {"region_code": "RM", "sex": "F", "numerator": "18", "denominator": "20"}])


def test_year_to_date_pools_the_confirmed_periods(indicator, users):
    for period, (n, d) in {1: ("9", "10"), 2: ("1", "90")}.items():
        m = service.enter(users["staff"], indicator, year=2026, period=period, numerator=n, denominator=d)
        service.confirm(users["quality"], m)
    series = queries.series(indicator, 2026)
    assert series.ytd_value == D(10)
    assert series.ytd_band == "fails"


def test_lower_is_better_is_graded_inverted(users, process):
    days = service.save_indicator(users["quality"], None, name="Días de respuesta", process=process,
                                  responsible=users["staff"], numerator_definition="Días promedio", factor="1",
                                  unit="days", direction="lower", frequency="annual")
    service.set_target(users["quality"], days, year=2025, target="10")
    m = service.enter(users["staff"], days, year=2025, period=1, numerator="12.5")
    service.confirm(users["quality"], m)
    series = queries.series(days, 2025)
    assert (series.periods[0].pct, series.periods[0].band, series.periods[0].below) == (D(80), "partial", True)


def test_evidence_goes_through_the_upload_check(indicator, users):
    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="40", denominator="50")
    evidence = service.add_evidence(users["staff"], m, b"%PDF-1.4 planilla", "planilla.pdf")
    assert evidence.content_type == "application/pdf"
    with pytest.raises(ServiceError, match="No se reconoce"):
        service.add_evidence(users["staff"], m, b"MZ\x90\x00\x03", "planilla.pdf")
    service.confirm(users["quality"], m)
    with pytest.raises(ServiceError, match="confirmada"):
        service.add_evidence(users["staff"], m, b"%PDF-1.4 otra", "otra.pdf")


def test_a_period_below_target_raises_a_linked_corrective_action(indicator, users):
    from qms.actions.models import Action

    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="30", denominator="50")
    with pytest.raises(ServiceError, match="Confirme"):
        service.raise_action(users["quality"], m, users["staff"])
    service.confirm(users["quality"], m)
    action = service.raise_action(users["quality"], m, users["staff"])
    db.session.commit()
    stored = db.session.get(Action, action.id)
    assert (stored.source_kind, stored.kind, stored.source_ref) == ("indicator", "corrective", f"{indicator.code} T1 2026")
    assert "60,0 %" in stored.problem and "90,0 %" in stored.problem
    assert queries.series(indicator, 2026).periods[0].actions == [stored]
    with pytest.raises(ServiceError, match="ya tiene la acción"):
        service.raise_action(users["quality"], m, users["staff"])


def test_a_period_that_meets_its_target_needs_no_action(indicator, users):
    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="50", denominator="50")
    service.confirm(users["quality"], m)
    with pytest.raises(ServiceError, match="cumple la meta"):
        service.raise_action(users["quality"], m, users["staff"])


def test_bands_are_configurable_and_checked(indicator, users):
    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="42", denominator="50")
    service.confirm(users["quality"], m)  # 84 % of 90 → 93.3 % compliance
    assert queries.series(indicator, 2026).periods[0].band == "meets"
    service.set_bands(users["quality"], meets_from="95", partial_from="80")
    assert queries.series(indicator, 2026).periods[0].band == "partial"
    with pytest.raises(ServiceError, match="umbrales"):
        service.set_bands(users["quality"], meets_from="70", partial_from="80")


def test_codes_come_from_the_shared_counter(indicator, users, process):
    other = service.save_indicator(users["quality"], None, name="Otro", process=process, responsible=users["staff"],
                                   numerator_definition="N", denominator_definition="D", pmg_system_code="SIAC")
    objective = service.save_objective(users["quality"], None, year=2026, statement="Mejorar la atención",
                                       owner=users["quality"])
    assert (indicator.code, other.code, objective.code) == ("IND-SIAC-01", "IND-SIAC-02", "OBJ-2026-01")


def test_a_record_of_the_register_can_prove_a_measurement(indicator, users):
    from qms.records import service as records
    from qms.records.models import RecordType
    from tests.audits.factories import load_record_types

    load_record_types()
    kind = db.session.scalar(sa.select(RecordType).where(RecordType.code == "REG-IND"))
    record = records.create_record(users["quality"], record_type=kind, title="Planilla SIAC del primer trimestre",
                                   record_date=date(2026, 4, 5), data=b"%PDF-1.4 planilla", filename="siac.pdf")
    m = service.enter(users["staff"], indicator, year=2026, period=1, numerator="40", denominator="50")
    with pytest.raises(ServiceError, match="No existe el registro «REG-1999-999»"):
        service.link_record(users["staff"], m, "REG-1999-999")
    evidence = service.link_record(users["quality"], m, record.code.lower())
    assert (evidence.record_id, evidence.sha256) == (record.id, None)
    assert evidence.record_label.startswith(record.code)
    with pytest.raises(ServiceError, match="ya es un medio de verificación"):
        service.link_record(users["quality"], m, record.code)


def test_an_objective_is_closed_once_and_the_frequency_is_fixed_by_measurements(indicator, users, process):
    objective = service.save_objective(users["quality"], None, year=2026, statement="Responder a tiempo",
                                       owner=users["quality"])
    service.close_objective(users["quality"], objective, "achieved")
    with pytest.raises(ServiceError, match="ya está cerrado"):
        service.close_objective(users["quality"], objective, "not_achieved")
    service.enter(users["staff"], indicator, year=2026, period=1, numerator="40", denominator="50")
    with pytest.raises(ServiceError, match="frecuencia no se cambia"):
        service.save_indicator(users["quality"], indicator, name=indicator.name, process=process,
                               responsible=users["staff"], numerator_definition="N", denominator_definition="D",
                               frequency="monthly")
