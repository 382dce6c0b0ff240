"""Demo objectives and indicators: two years of measurements, some per region and sex, some
below target with their corrective action.

``load(users, processes, spec)`` is called by the demo loader with the parsed
``qms/demo/data/indicators.yaml``. Everything goes through the services with the business
clock at the day each step happened: the responsible enters a period a few days after it
ends, the committee confirms it a few days later. Of the current year only the periods
that have ended are measured.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from qms.indicators.periods import periods_of
from qms.timeutil import on_day, today_local


def _day(wanted: date, today: date) -> date:
    return min(wanted, today)


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _numbers(spec: dict, rate, volume: Decimal, factor: Decimal, offset: Decimal = Decimal(0)) -> tuple[str, str]:
    value = Decimal(str(rate)) + offset
    if spec["unit"] == "percent":
        value = max(Decimal(0), min(Decimal(100), value))
    return str(_whole(volume * value / factor)), str(volume)


def _parts(indicator, spec: dict, rate, factor: Decimal) -> list[dict]:
    from qms.indicators.measurements import part_keys

    weights = {k: Decimal(str(v)) for k, v in spec.get("weights", {}).items()}
    offsets = {k: Decimal(str(v)) for k, v in spec.get("offsets", {}).items()}
    cells = []
    for region, sex in part_keys(indicator):
        share = weights.get(region, Decimal(1)) * weights.get(sex, Decimal(1)) if region else weights.get(sex, Decimal(1))
        volume = _whole(Decimal(spec["volume"]) * share)
        offset = offsets.get(region, Decimal(0)) + offsets.get(sex, Decimal(0))
        numerator, denominator = _numbers(spec, rate, volume, factor, offset)
        cells.append({"region_code": region, "sex": sex, "numerator": numerator, "denominator": denominator})
    return cells


def _measure(indicator, spec: dict, year: int, users: dict, today: date) -> list:
    from qms.indicators import service

    factor = Decimal(str(spec.get("factor", 100)))
    key = "current" if year == today.year else "previous"
    confirmed = []
    for period, rate in zip(periods_of(year, indicator.frequency), spec["rates"][key]):
        if period.end >= today:
            break
        responsible = users[spec["responsible"]]
        with on_day(_day(period.end + timedelta(days=8), today)):
            if indicator.is_disaggregated:
                m = service.enter(responsible, indicator, year=year, period=period.number,
                                  parts=_parts(indicator, spec, rate, factor))
            else:
                numerator, denominator = _numbers(spec, rate, Decimal(spec["volume"]), factor)
                m = service.enter(responsible, indicator, year=year, period=period.number, numerator=numerator,
                                  denominator=denominator)
        with on_day(_day(period.end + timedelta(days=14), today)):
            confirmed.append(service.confirm(users["calidad"], m))
    return confirmed


def load(users: dict, processes: dict, spec: dict) -> None:
    from qms.indicators import service
    from qms.indicators.compliance import is_below_target

    quality, today = users["calidad"], today_local()
    previous = today.year - 1
    with on_day(date(previous, 12, 15)):
        objectives = {o["key"]: service.save_objective(
            quality, None, year=today.year, statement=o["statement"], owner=users[o["owner"]],
            process=processes.get(o.get("process")), plan_what=o.get("plan_what", ""),
            plan_resources=o.get("plan_resources", ""), plan_responsible=o.get("plan_responsible", ""),
            plan_when=o.get("plan_when", ""), plan_evaluation=o.get("plan_evaluation", ""))
            for o in spec["objectives"]}
    with on_day(date(previous, 1, 5)):
        indicators = []
        for item in spec["indicators"]:
            indicator = service.save_indicator(
                quality, None, name=item["name"], process=processes[item["process"]],
                responsible=users[item["responsible"]], numerator_definition=item["numerator"],
                denominator_definition=item.get("denominator", ""), factor=str(item.get("factor", 100)),
                unit=item["unit"], direction=item["direction"], frequency=item["frequency"],
                pmg_system_code=item.get("pmg_system"), strategic_product=item.get("strategic_product", ""),
                verification_means=item.get("verification", ""), is_by_sex=item.get("by_sex", False),
                is_by_region=item.get("by_region", False), region_codes=item.get("regions", []))
            for year, key in ((previous, "previous"), (today.year, "current")):
                service.set_target(quality, indicator, year=year, target=str(item["targets"][key]))
            indicators.append((indicator, item))
    for indicator, item in indicators:
        for year in (previous, today.year):
            confirmed = _measure(indicator, item, year, users, today)
            if year == today.year and item.get("action"):
                below = [m for m in confirmed if is_below_target(m.value, indicator.target_for(year),
                                                                 indicator.direction)]
                if below:
                    with on_day(_day(below[-1].indicator.period(year, below[-1].period).end
                                     + timedelta(days=20), today)):
                        service.raise_action(quality, below[-1], users[item["responsible"]])
        # The objective is set for the current year; its indicators point to it.
        with on_day(today):
            service.save_indicator(
                quality, indicator, name=indicator.name, process=indicator.process, responsible=indicator.responsible,
                numerator_definition=indicator.numerator_definition,
                denominator_definition=indicator.denominator_definition, factor=indicator.factor,
                unit=indicator.unit, direction=indicator.direction, frequency=indicator.frequency,
                objective=objectives[item["objective"]], pmg_system_code=indicator.pmg_system_code,
                strategic_product=indicator.strategic_product, verification_means=indicator.verification_means,
                is_by_sex=indicator.is_by_sex, is_by_region=indicator.is_by_region,
                region_codes=indicator.region_codes)


