"""The compliance arithmetic, without a database: values, % cumplimiento both ways, bands, pooling."""
from datetime import date
from decimal import Decimal as D

import pytest

from qms.errors import ServiceError
from qms.indicators.compliance import (
    Thresholds,
    band,
    compliance_pct,
    is_below_target,
    pooled,
    shown,
    value_of,
)
from qms.indicators.periods import closed_by, period, periods_of


def test_value_is_the_ratio_times_the_factor():
    assert value_of(D(45), D(50), D(100)) == D(90)
    assert value_of(D(7), None, D(1)) == D(7)


def test_a_zero_denominator_has_no_value():
    assert value_of(D(0), D(0), D(100)) is None
    assert value_of(D(3), D(0), D(100)) is None


def test_higher_is_better_compliance_is_value_over_target():
    assert compliance_pct(D(81), D(90), "higher") == D(90)
    assert compliance_pct(D(99), D(90), "higher") == D(110)


def test_lower_is_better_compliance_is_inverted():
    # Target 10 days: 12.5 days is 80 % compliance, 8 days is 125 %.
    assert compliance_pct(D("12.5"), D(10), "lower") == D(80)
    assert compliance_pct(D(8), D(10), "lower") == D(125)
    assert compliance_pct(D(0), D(10), "lower") == D(100)


def test_no_value_or_no_target_gives_no_percentage():
    assert compliance_pct(None, D(90), "higher") is None
    assert compliance_pct(D(50), None, "higher") is None


def test_a_zero_target_is_met_by_any_value_when_higher_is_better():
    assert compliance_pct(D(0), D(0), "higher") == D(100)


def test_default_bands_are_those_of_ley_19553():
    assert band(D(90)) == "meets"
    assert band(D("89.99")) == "partial"
    assert band(D(75)) == "partial"
    assert band(D("74.99")) == "fails"
    assert band(None) == "none"


def test_bands_follow_the_institution_thresholds():
    strict = Thresholds(D(95), D(80))
    assert band(D(92), strict) == "partial"
    assert band(D(79), strict) == "fails"


def test_below_target_in_both_directions():
    assert is_below_target(D(80), D(90), "higher")
    assert not is_below_target(D(90), D(90), "higher")
    assert is_below_target(D(12), D(10), "lower")
    assert not is_below_target(D(9), D(10), "lower")


def test_pooled_sums_numerators_and_denominators_not_the_percentages():
    # 9/10 and 1/90: the year is 10/100 = 10 %, not the mean of 90 % and 1.1 %.
    assert pooled([(D(9), D(10)), (D(1), D(90))], D(100)) == D(10)


def test_pooled_skips_nothing_but_a_zero_total_has_no_value():
    assert pooled([(D(0), D(0)), (D(0), D(0))], D(100)) is None
    assert pooled([(D(0), D(0)), (D(5), D(10))], D(100)) == D(50)


def test_pooled_without_denominators_is_the_mean():
    assert pooled([(D(10), None), (D(20), None)], D(1)) == D(15)


def test_numbers_are_shown_with_a_decimal_comma():
    assert shown(D("1234.56")) == "1.234,6"
    assert shown(None) == "—"


def test_periods_come_from_the_frequency():
    assert [p.short_label for p in periods_of(2026, "quarterly")] == ["T1", "T2", "T3", "T4"]
    assert len(periods_of(2026, "monthly")) == 12
    assert periods_of(2026, "semiannual")[1].start == date(2026, 7, 1)
    assert periods_of(2026, "quarterly")[0].end == date(2026, 3, 31)
    assert [p.number for p in closed_by(2026, "quarterly", date(2026, 7, 1))] == [1, 2]


def test_a_period_that_does_not_exist_for_the_frequency_is_refused():
    with pytest.raises(ServiceError, match="frecuencia trimestral"):
        period(2026, "quarterly", 5)
    with pytest.raises(ServiceError, match="año"):
        period(None, "annual", 1)
