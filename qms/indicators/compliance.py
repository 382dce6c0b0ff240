"""Compliance arithmetic: an indicator's value, its % cumplimiento and the band it falls in.

Pure functions over ``Decimal``; the service and the pages call them, the tests check
them without a database.

* The value is ``numerator / denominator × factor`` (or ``numerator × factor`` when the
  formula has no denominator). A zero denominator has no value (None), never an error
  here: the service refuses it when typed, the aggregation skips it.
* % cumplimiento is ``value / target × 100`` when higher is better and ``target / value
  × 100`` when lower is better (a value of zero is then full compliance).
* Bands follow Ley 19.553 art. 6 by default: ≥ 90 % cumple, 75 % to < 90 % cumple
  parcialmente, < 75 % no cumple; an institution may set its own thresholds.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

HUNDRED = Decimal(100)
#: band -> (label, traffic-light tone).
BANDS = {
    "meets": ("Cumple", "success"),
    "partial": ("Cumple parcialmente", "warning"),
    "fails": ("No cumple", "danger"),
    "none": ("Sin medición", "secondary"),
}


@dataclass(frozen=True)
class Thresholds:
    """Where the bands start, in % cumplimiento."""

    meets_from: Decimal = Decimal(90)
    partial_from: Decimal = Decimal(75)


DEFAULT_THRESHOLDS = Thresholds()


def value_of(numerator: Decimal, denominator: Decimal | None, factor: Decimal) -> Decimal | None:
    """The indicator's value; None when the denominator is zero."""
    if denominator is None:
        return numerator * factor
    if denominator == 0:
        return None
    return numerator / denominator * factor


def compliance_pct(value: Decimal | None, target: Decimal | None, direction: str) -> Decimal | None:
    """% cumplimiento of ``value`` against ``target``; None without a value or a target."""
    if value is None or target is None:
        return None
    if direction == "lower":
        if value <= 0:
            return HUNDRED
        return target / value * HUNDRED
    if target <= 0:
        return HUNDRED if value >= 0 else Decimal(0)
    return value / target * HUNDRED


def band(pct: Decimal | None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """``meets`` / ``partial`` / ``fails`` (``none`` without a percentage)."""
    if pct is None:
        return "none"
    if pct >= thresholds.meets_from:
        return "meets"
    if pct >= thresholds.partial_from:
        return "partial"
    return "fails"


def is_below_target(value: Decimal | None, target: Decimal | None, direction: str) -> bool:
    """Whether the value misses the target (the trigger to offer a corrective action)."""
    if value is None or target is None:
        return False
    return value > target if direction == "lower" else value < target


def pooled(parts: Iterable[tuple[Decimal, Decimal | None]], factor: Decimal) -> Decimal | None:
    """The value of several periods (or regions) together: sums of numerators and denominators.

    Without a denominator (counts, averages of days) the value is the mean of the parts.
    """
    parts = list(parts)
    if not parts:
        return None
    if any(d is None for _n, d in parts):
        return sum((n for n, _d in parts), Decimal(0)) / len(parts) * factor
    return value_of(sum((n for n, _d in parts), Decimal(0)), sum((d for _n, d in parts), Decimal(0)), factor)


def rounded(number: Decimal | None, places: int = 1) -> Decimal | None:
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown(number: Decimal | None, places: int = 1) -> str:
    """«93,8» (Chilean decimal comma); «—» for no number."""
    if number is None:
        return "—"
    text = f"{rounded(number, places):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
