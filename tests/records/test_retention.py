"""Retention arithmetic, with the business clock frozen (``qms.timeutil.clock_at``)."""
from datetime import date

import pytest

from qms.extensions import db
from qms.records import service
from qms.records.models import RecordType
from qms.timeutil import clock_at
from tests.records.conftest import moment


@pytest.mark.parametrize("years, months, record_date, expected", [
    (5, 0, date(2019, 3, 15), date(2024, 3, 15)),
    (0, 18, date(2019, 3, 15), date(2020, 9, 15)),
    (2, 6, date(2023, 8, 31), date(2026, 2, 28)),   # clamped to the month's last day
    (1, 0, date(2024, 2, 29), date(2025, 2, 28)),   # leap day
    (4, 0, date(2024, 2, 29), date(2028, 2, 29)),
    (0, 1, date(2025, 12, 31), date(2026, 1, 31)),  # year boundary
])
def test_retention_until_is_date_plus_period(years, months, record_date, expected):
    record_type = RecordType(code="X", name="x", retention_years=years, retention_months=months, disposition="destroy")
    assert record_type.retention_until(record_date) == expected


def test_permanent_types_have_no_end():
    record_type = RecordType(code="X", name="x", retention_years=10, retention_months=0, disposition="permanent")
    assert record_type.retention_until(date(2000, 1, 1)) is None
    assert record_type.retention_label == "Permanente"


def test_record_gets_its_retention_and_expires_the_day_after(make_record):
    """GIVEN an audit report (5 years) dated 15-03-2019
    THEN it must be kept until 15-03-2024 inclusive and is expired from the 16th."""
    with clock_at(moment(date(2020, 1, 1))):
        record = make_record(record_date=date(2019, 3, 15))
    assert record.retention_until == date(2024, 3, 15)
    with clock_at(moment(date(2024, 3, 15))):
        assert not service.is_retention_over(record)
        assert service.retention_state(record) == "due_soon"
    with clock_at(moment(date(2024, 3, 16))):
        assert service.is_retention_over(record)
        assert service.retention_state(record) == "expired"
    with clock_at(moment(date(2023, 1, 1))):
        assert service.retention_state(record) == "in_retention"
    with clock_at(moment(date(2023, 12, 16))):  # 90 days before
        assert service.retention_state(record) == "due_soon"


def test_permanent_record_and_hold_states(make_record, users):
    record = make_record(type_code="ACTA-RD", title="Acta de revisión por la dirección 2019")
    assert record.retention_until is None
    assert service.retention_state(record) == "permanent"
    audit = make_record(title="Otro informe")
    service.set_record_legal_hold(users["quality"], audit, is_on_hold=True, reason="Sumario 12/2024")
    assert service.retention_state(audit) == "hold"


def test_changing_a_types_period_recomputes_records_in_custody(make_record, users):
    record = make_record(record_date=date(2019, 3, 15))
    record_type = record.type
    fields = {name: getattr(record_type, name) for name in service._TYPE_FIELDS}
    service.save_record_type(users["quality"], record_type, **{**fields, "retention_years": 6, "retention_months": 3})
    db.session.commit()
    assert record.retention_until == date(2025, 6, 15)


def test_a_future_record_date_is_refused(make_record):
    from qms.errors import ServiceError

    with clock_at(moment(date(2025, 1, 1))), pytest.raises(ServiceError, match="futura"):
        make_record(record_date=date(2025, 1, 2))
