"""How the audit trail shows objectives and indicators (see ``qms/trail/registry.py``).

Measurements write their entries on their indicator, so the indicator's page and the
trail tell one story. Holders of ``indicator.view`` see every entry; a responsible the
entries of the indicators in their charge.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from qms.core import permissions as P
from qms.indicators import access
from qms.indicators.models import ComplianceSettings, Indicator, QualityObjective
from qms.indicators.trail_labels import TRAIL_ACTION_LABELS
from qms.trail.registry import ObjectKind, holders_of, loader, open_to, register
from qms.trail.wording import register_actions


def _visible_indicators(user):
    if access.can_view_all(user):
        return True
    return sa.select(Indicator.id).where(Indicator.responsible_id == user.id)


def _visible_objectives(user):
    if access.can_view_all(user):
        return True
    return sa.select(QualityObjective.id).where(sa.or_(
        QualityObjective.owner_id == user.id,
        QualityObjective.id.in_(sa.select(Indicator.objective_id).where(Indicator.responsible_id == user.id))))


register(ObjectKind(
    object_type="indicator", label="Indicador",
    load=loader(Indicator), can_view=access.can_view, visible_query=_visible_indicators,
    describe=lambda i: f"{i.code} · {i.name}",
    link=lambda i: url_for("indicators.detail", indicator_code=i.code),
))
register(ObjectKind(
    object_type="objective", label="Objetivo de la calidad",
    load=loader(QualityObjective, selectinload(QualityObjective.indicators)),
    can_view=access.can_view_objective, visible_query=_visible_objectives,
    describe=lambda o: f"{o.code} · {o.statement[:80]}",
    link=lambda o: url_for("indicators.objective", objective_code=o.code),
))
register(ObjectKind(
    object_type="indicator_settings", label="Bandas de cumplimiento",
    load=loader(ComplianceSettings), **open_to(holders_of(P.INDICATOR_VIEW, P.INDICATOR_MANAGE)),
    describe=lambda _s: "Bandas de cumplimiento", link=lambda _s: url_for("indicators.settings"),
))

register_actions(TRAIL_ACTION_LABELS)
