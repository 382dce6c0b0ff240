import pytest


@pytest.fixture(autouse=True)
def record_types(app):
    from tests.audits.factories import load_record_types

    load_record_types()
