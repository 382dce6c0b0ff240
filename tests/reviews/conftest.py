from datetime import date

import pytest

from qms.extensions import db


@pytest.fixture
def review(app, users, process):
    """A review of 2026 planned for 15-11-2026 with the committee, the head and the auditor."""
    from qms.reviews import service

    item = service.plan(users["quality"], period_start=date(2026, 1, 1), period_end=date(2026, 10, 31),
                        planned_on=date(2026, 11, 15), agenda="1. Entradas.\n2. Decisiones.",
                        participants=[users["quality"], users["approver"], users["auditor"]])
    db.session.commit()
    return item
