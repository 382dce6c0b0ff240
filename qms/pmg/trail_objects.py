"""How the audit trail shows the PMG programme (see ``qms/trail/registry.py``).

Three kinds: a programme year (``pmg_year``, its id is the year: commitment, diagnosis,
scope, plan), a reference objective and a work programme. All follow ``access.can_view``.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from qms.core.trail_labels import namer
from qms.pmg import access
from qms.pmg.models import PmgObjective, WorkProgramme
from qms.pmg.trail_labels import TRAIL_ACTION_LABELS
from qms.pmg.workflow import WORKFLOW
from qms.trail.registry import ObjectKind, loader, register
from qms.trail.wording import register_actions


def _visible(model):
    def visible(user):
        return True if access.can_view(user) else sa.select(model.id).where(sa.false())

    return visible


class ProgrammeYear(int):
    """A programme year as the trail's object (it has no row of its own; its id is the year)."""

    @property
    def id(self) -> int:
        return int(self)


def _years(ids) -> dict:
    return {int(i): ProgrammeYear(i) for i in ids}


register(ObjectKind(
    object_type="pmg_year", label="Programa PMG del año", load=_years, can_view=access.can_view,
    visible_query=_visible(WorkProgramme), describe=lambda y: f"PMG {int(y)}",
    link=lambda y: url_for("pmg.stage", year=int(y)),
))
register(ObjectKind(
    object_type="pmg_objective", label="Objetivo PMG", load=loader(PmgObjective), can_view=access.can_view,
    visible_query=_visible(PmgObjective), describe=lambda o: f"{o.code} · {o.title}",
    link=lambda o: url_for("pmg.reference", year=o.year),
))
register(ObjectKind(
    object_type="pmg_programme", label="Programa de trabajo PMG", load=loader(WorkProgramme),
    can_view=access.can_view, visible_query=_visible(WorkProgramme),
    describe=lambda p: f"Programa de trabajo PMG {p.year}", link=lambda p: url_for("pmg.programme", year=p.year),
))

register_actions(TRAIL_ACTION_LABELS, name=namer(TRAIL_ACTION_LABELS, WORKFLOW))
