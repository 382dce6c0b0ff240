"""The periods of a year that an indicator's frequency produces (T1…T4, enero…diciembre)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from qms.errors import ServiceError

#: frequency -> (label, periods per year).
FREQUENCIES = {
    "monthly": ("Mensual", 12),
    "quarterly": ("Trimestral", 4),
    "semiannual": ("Semestral", 2),
    "annual": ("Anual", 1),
}
MONTHS = ("Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto", "Septiembre", "Octubre",
          "Noviembre", "Diciembre")


@dataclass(frozen=True)
class Period:
    year: int
    frequency: str
    number: int

    @property
    def months(self) -> int:
        return 12 // FREQUENCIES[self.frequency][1]

    @property
    def start(self) -> date:
        return date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        last_month = self.number * self.months
        following = date(self.year + 1, 1, 1) if last_month == 12 else date(self.year, last_month + 1, 1)
        return following - timedelta(days=1)

    @property
    def label(self) -> str:
        """«T2 2026», «Marzo 2026», «S1 2026», «Año 2026»."""
        return f"{self.short_label} {self.year}"

    @property
    def short_label(self) -> str:
        if self.frequency == "monthly":
            return MONTHS[self.number - 1]
        if self.frequency == "quarterly":
            return f"T{self.number}"
        if self.frequency == "semiannual":
            return f"S{self.number}"
        return "Año"


def periods_of(year: int, frequency: str) -> list[Period]:
    """Every period of ``year`` for ``frequency``, in order."""
    return [Period(year, frequency, n) for n in range(1, FREQUENCIES[frequency][1] + 1)]


def period(year: int | None, frequency: str, number: int | None) -> Period:
    """The period ``number`` of ``year``; a Spanish refusal when the frequency has no such period."""
    count = FREQUENCIES[frequency][1]
    if year is None or not 2000 <= year <= 2999:
        raise ServiceError("Indique el año de la medición (por ejemplo 2026).", field="year")
    if number is None or not 1 <= number <= count:
        label = FREQUENCIES[frequency][0].lower()
        raise ServiceError(f"El periodo no existe para un indicador de frecuencia {label}: elija un periodo del 1 "
                           f"al {count}.", field="period")
    return Period(year, frequency, number)


def closed_by(year: int, frequency: str, today: date) -> list[Period]:
    """The periods of ``year`` that have ended by ``today`` (those that can be measured)."""
    return [p for p in periods_of(year, frequency) if p.end <= today]
