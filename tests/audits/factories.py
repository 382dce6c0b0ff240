"""Builders shared by the audit, action and nonconformity tests (through the services)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from qms.extensions import db
from qms.org.models import IsoClause, Unit

#: Frozen clocks use noon UTC so the local date in Santiago is the same day.
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def own_process(process, users, owner="staff"):
    """Give the process an owner and a unit (the owner's)."""
    unit = Unit(name="Departamento de Gestión Territorial")
    db.session.add(unit)
    db.session.flush()
    users[owner].unit_id = unit.id
    process.owner_id = users[owner].id
    process.unit_id = unit.id
    db.session.commit()
    return process


def clause(number="7.5.3"):
    return db.session.get(IsoClause, number)


def plan_audit(users, process, *, documents=(), start=date(2026, 3, 9), end=date(2026, 3, 10), lead="auditor",
               team=()):
    from qms.audits import service

    audit = service.save_audit(
        users["quality"], None, audit_type="internal", title="Auditoría interna de gestión territorial",
        objective="Verificar la conformidad del proceso.", processes=[process], regions=[], clauses=[clause()],
        lead_auditor=users[lead], team=list(team), auditees=[users["staff"]], planned_start=start,
        planned_end=end, criteria=list(documents))
    db.session.commit()
    return audit


def started_audit(users, process, **kwargs):
    from qms.audits import service

    audit = plan_audit(users, process, **kwargs)
    service.apply_transition(users["auditor"], audit, "start", actual_start=audit.planned_start)
    db.session.commit()
    return audit


def nonconformity(users, audit, kind="nc_minor"):
    from qms.audits import service

    finding, action = service.record_finding(
        users["auditor"], audit, kind=kind, clause=clause(), requirement="Controlar las copias de documentos.",
        description="Copia no controlada del procedimiento en la oficina de partes.",
        evidence="Copia impresa versión 01 en el mesón.")
    db.session.commit()
    return finding, action


def second_auditor(users):
    from qms.auth import service as auth

    user = auth.create_user(None, username="auditora2", full_name="Segunda Auditora", password="clave-de-prueba-1",
                            roles=["auditor"], position="Auditora interna")
    db.session.commit()
    return user


def load_record_types():
    """Seed the standard record types (INF-AUD, INF-AC, REG-PNC) when the records module has them."""
    try:
        from qms.records.defaults import load_default_record_types
    except ImportError:
        return
    load_default_record_types()
    db.session.commit()
