"""Demo PMG programme: last year in Etapa 2 with every objective fulfilled, this year in Etapa 3
with its diagnosis, scope, three-year plan and an approved work programme half done.

``load(users, processes, spec, password_of)`` is called by the demo loader after the other
modules (their documents, audits and actions are what the activities name). Through the
services, with the business clock at the day each step happened.
"""
from __future__ import annotations

from datetime import date, timedelta

from qms.timeutil import on_day, today_local

_PDF = b"%PDF-1.4\n% medio de verificacion de demostracion\n"


def _day(year: int, month_day, today: date) -> date:
    return min(date(year, *month_day), today)


def _diagnosis(quality, year: int, lines, processes) -> list:
    from qms.pmg import service

    return [service.assess(quality, year=year, process=processes[p], clause_number=c, rating=r, evidence=e, gap=g)
            for p, c, r, e, g in lines]


def _scope(quality, year: int, spec, processes) -> None:
    from qms.pmg import service

    inside = spec["in"] if isinstance(spec["in"], dict) else {code: [] for code in spec["in"]}
    entries = [(processes[c], True, "", regions) for c, regions in inside.items()]
    entries += [(processes[c], False, reason, []) for c, reason in spec["out"].items()]
    service.set_scope(quality, year=year, entries=entries)


def _previous_year(users, processes, spec, password_of, year: int) -> None:
    from qms.pmg import queries, service

    quality, head = users["calidad"], users["jefa"]
    with on_day(date(year, 1, 12)):
        service.commit(quality, year=year, stage=2, notes=spec["notes"])
        _diagnosis(quality, year, spec["diagnosis"], processes)
        _scope(quality, year, spec["scope"], processes)
        programme = service.open_programme(quality, year)
        for index, title in enumerate(spec["activities"]):
            service.save_activity(quality, programme, title=title, responsible=quality,
                                  starts_on=date(year, 2 + 2 * index, 1), ends_on=date(year, 3 + 2 * index, 28),
                                  state="done", progress=100)
    with on_day(date(year, 1, 30)):
        service.approve_programme(head, programme, password_of(head))
    # What QMS did not hold for that year (the audit reports were on paper, the certificate
    # comes from the certification body) is kept as medios de verificación.
    with on_day(date(year, 12, 10)):
        for objective in queries.objectives(year, 2):
            for kind in objective.evidence_kinds:
                if kind in spec["uploads"]:
                    service.upload_evidence(quality, objective, kind=kind, title=f"{spec['uploads'][kind]} {year}",
                                            record_date=date(year, 12, 10), data=_PDF,
                                            filename=f"{kind}-{year}.pdf")


def _link(name, year: int) -> tuple[str, int | None]:
    from qms.audits import queries as audits
    from qms.documents import queries as documents

    if name == "MC":
        found = documents.documents_of_type("MC")
        return ("document", found[0].id) if found else ("", None)
    if name == "PR-EG":
        found = [d for d in documents.documents_of_type("PR") if d.process.code == "EG"]
        return ("document", found[0].id) if found else ("", None)
    if name == "audit":
        found = [a for a in audits.year_audits(year)["audits"] if a["state"] not in ("reported", "closed")]
        return ("audit", found[0]["id"]) if found else ("", None)
    return "", None


def _current_year(users, processes, spec, password_of, year: int, today: date) -> None:
    from qms.pmg import service

    quality, head, auditor = users["calidad"], users["jefa"], users["auditora"]
    with on_day(_day(year, (1, 8), today)):
        service.commit(quality, year=year, stage=3, notes=spec["notes"])
        lines = _diagnosis(quality, year, spec["diagnosis"], processes)
        _scope(quality, year, spec["scope"], processes)
        programme = service.open_programme(quality, year)
        for a in spec["activities"]:
            kind, link_id = _link(a.get("link"), year)
            service.save_activity(quality, programme, title=a["title"],
                                  responsible=auditor if kind == "audit" else quality,
                                  starts_on=date(year, *a["starts"]), ends_on=date(year, *a["ends"]),
                                  state=a.get("state", "pending"), progress=a.get("progress", 0),
                                  link_kind=kind, link_id=link_id)
    with on_day(_day(year, (1, 20), today)):
        service.approve_programme(head, programme, password_of(head))
    # A gap found after approval becomes an activity: a trailed revision of the approved programme.
    with on_day(_day(year, (3, 15), today)):
        gap = next(line for line in lines if line.rating == "fails")
        start = _day(year, (4, 1), today)
        service.add_gap_activity(quality, gap, responsible=processes["SIAC"].owner or quality,
                                 starts_on=start, ends_on=start + timedelta(days=90))


def load(users: dict, processes: dict, spec: dict, password_of) -> None:
    from qms.pmg import service

    today = today_local()
    year = today.year
    with on_day(date(year - 1, 1, 5)):
        for offset, code, region in spec["plan"]:
            service.add_plan_line(users["calidad"], year=year + offset, process=processes[code], region_code=region)
    _previous_year(users, processes, spec["previous"], password_of, year - 1)
    _current_year(users, processes, spec["current"], password_of, year, today)
