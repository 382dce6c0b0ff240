import pytest

from qms.extensions import db


@pytest.fixture
def indicator(app, users, process):
    """A quarterly percentage indicator of the committee, measured by ``staff``, meta 90 in 2026."""
    from qms.indicators import service

    item = service.save_indicator(
        users["quality"], None, name="Reclamos respondidos dentro de plazo", process=process,
        responsible=users["staff"], numerator_definition="Reclamos respondidos en plazo",
        denominator_definition="Reclamos recibidos", pmg_system_code="SIAC")
    service.set_target(users["quality"], item, year=2026, target="90")
    db.session.commit()
    return item


@pytest.fixture
def split_indicator(app, users, process):
    """A quarterly indicator measured per sex in two regions."""
    from qms.indicators import service

    item = service.save_indicator(
        users["quality"], None, name="Beneficiarios que completan el programa", process=process,
        responsible=users["staff"], numerator_definition="Completan", denominator_definition="Inscritos",
        is_by_sex=True, is_by_region=True, region_codes=["V", "RM"])
    service.set_target(users["quality"], item, year=2026, target="80")
    db.session.commit()
    return item
