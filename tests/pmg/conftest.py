from datetime import date

import pytest

from qms.extensions import db


@pytest.fixture
def year_2026(app, users, process):
    """2026 committed at Etapa 3 by the committee (its reference objectives copied from the file)."""
    from qms.pmg import service

    commitment = service.commit(users["quality"], year=2026, stage=3, notes="Tercer año del plan.")
    db.session.commit()
    return commitment


@pytest.fixture
def programme(year_2026, users, process):
    """The 2026 work programme in draft with one activity that names nobody responsible yet."""
    from qms.pmg import service

    prog = service.open_programme(users["quality"], 2026)
    service.save_activity(users["quality"], prog, title="Sensibilizar a los equipos regionales",
                          starts_on=date(2026, 3, 1), ends_on=date(2026, 4, 30))
    db.session.commit()
    return prog
