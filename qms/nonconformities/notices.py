"""What a nonconforming output tells people: its report, and a treatment that is late."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from qms import notifications
from qms.auth.queries import enabled_users
from qms.core import permissions as P
from qms.extensions import db
from qms.nonconformities.models import Nonconformity
from qms.notifications import OVERDUE, Reminder
from qms.timeutil import format_date

GROUP = "Producto / servicio no conforme"
notifications.register_kind("nonconformity:reported", "PNC informado en su proceso", GROUP)
notifications.register_kind("nonconformity:treatment_overdue", "Tratamiento de PNC vencido", GROUP)


def reported(actor, pnc: Nonconformity) -> None:
    """The process owner and the committee learn of a new PNC."""
    owner = pnc.process.owner if pnc.process is not None else None
    notifications.notify("nonconformity:reported", "nonconformity", pnc.id,
                         [owner, *enabled_users(P.NC_MANAGE)],
                         f"{actor.full_name} informó el {pnc.code} en {pnc.process.name}: {pnc.product}. "
                         f"Tratamiento a más tardar el {format_date(pnc.treatment_due)}.", actor=actor)


def reminders(today: date):
    """PNC still waiting for their treatment after its due date."""
    late = db.session.scalars(sa.select(Nonconformity).where(
        Nonconformity.state == "reported", Nonconformity.treatment_due < today)
        .options(joinedload(Nonconformity.process))).unique().all()
    committee = enabled_users(P.NC_MANAGE) if late else []
    for pnc in late:
        yield Reminder("nonconformity:treatment_overdue", "nonconformity", pnc.id,
                       f"El tratamiento del {pnc.code} ({pnc.product}) venció el {format_date(pnc.treatment_due)}.",
                       pnc.treatment_due, OVERDUE, committee, pnc.process_id)  # the committee is told already


notifications.register_reminders(reminders)
