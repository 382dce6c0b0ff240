"""Fixtures of the trail tests: readers of the trail with more or fewer rights, and one
object of every registered kind, each with an entry of its own."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from qms.core import permissions as P
from qms.extensions import db
from qms.trail import service as trail
from tests.audits.factories import NOON, nonconformity, own_process, started_audit
from tests.conftest import PASSWORD
from tests.records import conftest as records_fixtures

# The records tests' fixtures, shared here.
record_types = records_fixtures.record_types
make_record = records_fixtures.make_record

#: The action of the entry ``one_of_each`` writes on every object.
TOUCHED = "test.touched"


def make_user_with(username: str, permissions) -> object:
    """Create a user whose only role, named after them, holds ``permissions``."""
    from qms.auth import service
    from qms.auth.models import Role

    db.session.add(Role(name=username, label=f"Rol {username}", permissions=sorted(permissions)))
    db.session.flush()
    user = service.create_user(None, username=username, full_name=f"Persona {username}", password=PASSWORD,
                               roles=[username], position="")
    db.session.commit()
    return user


@pytest.fixture
def signed_in(app, login):
    """Return a function giving a new client signed in as ``username`` (a client keeps
    its first sign-in, so a test that compares users needs one each)."""

    def client_for(username: str):
        client = app.test_client()
        login(username, target=client)
        return client

    return client_for


@pytest.fixture
def reader(users):
    """A member of staff who may read the trail and nothing else: no drafts, no records."""
    return make_user_with("lector", {P.TRAIL_VIEW})


@pytest.fixture
def superuser(users):
    """A user holding every permission (still outside every confidential record type)."""
    return make_user_with("todopoder", set(P.PERMISSIONS))


@pytest.fixture
def one_of_each(users, process, make_document, make_record):
    """Return ``{object_type: object}`` with one object of every registered kind, each
    with a ``test.touched`` entry labelled ``etiqueta <object_type>``."""
    from qms.audits import service as audits
    from qms.auth.models import Role
    from qms.docgen.models import TemplateVersion
    from qms.nonconformities import service as nonconformities
    from qms.org.models import Institution
    from qms.records.models import DispositionBatch, RecordType

    own_process(process, users)
    document = make_document(state="effective")
    record = make_record()
    with freeze_time(NOON):
        audit = started_audit(users, process)
        finding, action = nonconformity(users, audit)
        programme = audits.create_programme(users["quality"], year=2026)
        pnc = nonconformities.report(users["staff"], output_kind="service", product="Certificado de residencia",
                                     process=process, region_code=None, description="Se emitió con errores.",
                                     detected_on=None)
    from qms.indicators import service as indicators
    from qms.reviews import service as reviews

    objective = indicators.save_objective(users["quality"], None, year=2026, statement="Responder a tiempo",
                                          owner=users["quality"])
    indicator = indicators.save_indicator(users["quality"], None, name="Respuestas en plazo", process=process,
                                          responsible=users["staff"], numerator_definition="En plazo",
                                          denominator_definition="Recibidas", objective=objective)
    bands = indicators.set_bands(users["quality"], meets_from="90", partial_from="75")
    review = reviews.plan(users["quality"], period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                          planned_on=date(2026, 7, 15), agenda="Entradas", participants=[users["staff"]])
    batch = DispositionBatch(code="DISP-2026-001", state="proposed", proposed_by_id=users["quality"].id)
    # Approving the document recorded the template it used; a fresh database has none.
    template = db.session.scalars(sa.select(TemplateVersion).order_by(TemplateVersion.id)).first() or \
        TemplateVersion(name="procedimiento.docx", number=1, sha256="0" * 64, origin="builtin")
    db.session.add_all([batch, template])
    db.session.flush()
    from qms.search import glossary
    from tests.pmg import trail_samples as pmg

    term = glossary.save_entry(users["quality"], None, term="SLA", equivalents="acuerdo de nivel de servicio")

    objects = {**pmg.objects(users),
        "document": document, "document_version": document.versions[0], "record": record,
        "record_type": db.session.scalar(sa.select(RecordType).where(RecordType.code == "INF-AUD")),
        "disposition": batch, "audit": audit, "finding": finding, "action": action, "audit_programme": programme,
        "nonconformity": pnc, "user": users["staff"],
        "role": db.session.scalar(sa.select(Role).where(Role.name == "staff")), "process": process,
        "institution": db.session.get(Institution, 1), "template": template,
        "indicator": indicator, "objective": objective, "indicator_settings": bands, "management_review": review,
        "glossary_entry": term,
    }
    for object_type, obj in objects.items():
        trail.record(users["quality"], TOUCHED, object_type, obj.id, f"etiqueta {object_type}")
    db.session.commit()
    return objects
