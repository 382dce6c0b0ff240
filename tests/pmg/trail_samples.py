"""One object of each PMG trail kind for the trail's registry tests (tests/trail), and its page."""
from __future__ import annotations


def objects(users) -> dict:
    from qms.pmg import service
    from qms.pmg.trail_objects import ProgrammeYear

    commitment = service.commit(users["quality"], year=2026, stage=3)
    objective = service.ensure_reference(users["quality"], 2026)[0]
    programme = service.open_programme(users["quality"], 2026)
    return {"pmg_year": ProgrammeYear(commitment.year), "pmg_objective": objective,
            "pmg_programme": programme}


def links(objects_: dict) -> dict:
    return {"pmg_year": "/pmg/2026", "pmg_objective": "/pmg/2026/referencia", "pmg_programme": "/pmg/2026/programa"}
