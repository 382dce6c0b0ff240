"""The document lifecycle through the service layer."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from qms.documents import acknowledgements, service
from qms.documents.models import DocumentVersion, ImmutableVersionError, Signature
from qms.errors import ConflictError, PermissionDenied, ServiceError
from qms.extensions import db
from qms.timeutil import add_months, today_local
from qms.trail.models import AuditEntry
from tests.conftest import PASSWORD, walk_to


def actions_for(version):
    ids = [str(version.id)]
    return [e.action for e in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "document_version", AuditEntry.object_id.in_(ids))
        .order_by(AuditEntry.seq))]


def test_codes_follow_the_pattern_and_are_never_reused(make_document, users):
    first = make_document(title="Uno")
    second = make_document(title="Dos")
    assert (first.code, second.code) == ("PR-GT-01", "PR-GT-02")
    walk_to(second.versions[0], "withdrawn", users)
    db.session.commit()
    third = make_document(title="Tres")
    assert third.code == "PR-GT-03"


def test_full_lifecycle_signs_and_trails_every_step(make_document, users):
    document = make_document(state="effective")
    version = document.versions[0]
    assert version.state == "effective"
    assert version.effective_date == today_local()
    assert [s.meaning for s in version.signatures] == ["authored", "reviewed", "approved"]
    assert len({s.content_sha256 for s in version.signatures}) == 1
    assert actions_for(version) == ["version.created", "version.edited", "version.submit", "version.pass_review",
                                    "version.approve", "version.make_effective"]
    assert version.review_due == add_months(version.effective_date, 24)


def test_new_revision_supersedes_the_effective_one(make_document, users):
    document = make_document(state="effective")
    v1 = document.versions[0]
    v2 = service.start_revision(users["author"], document)
    assert v2.number == 2 and v2.sections == v1.sections and v2.state == "draft"
    service.save_draft(users["author"], v2, title=v1.title, sections={"objetivo": "Nuevo objetivo."},
                       change_description="Se actualiza el objetivo.")
    walk_to(v2, "effective", users)
    db.session.commit()
    assert (v1.state, v2.state) == ("obsolete", "effective")
    assert v1.obsolete_at is not None
    assert document.effective_version is v2


def test_only_one_revision_at_a_time(make_document, users):
    document = make_document(state="effective")
    service.start_revision(users["author"], document)
    with pytest.raises(ServiceError, match="en preparación"):
        service.start_revision(users["author"], document)


def test_future_effective_date_waits_for_tick(make_document, users):
    document = make_document(state="in_approval")
    version = document.versions[0]
    tomorrow = today_local() + timedelta(days=1)
    service.apply_transition(users["approver"], version, "approve", password=PASSWORD, effective_date=tomorrow)
    assert version.state == "approved"
    assert service.tick() == 0
    assert service.tick(today=tomorrow) == 1
    assert version.state == "effective"


def test_past_effective_date_is_refused(make_document, users):
    version = make_document(state="in_approval").versions[0]
    with pytest.raises(ServiceError, match="anterior a hoy"):
        service.apply_transition(users["approver"], version, "approve", password=PASSWORD,
                                 effective_date=today_local() - timedelta(days=1))
    assert version.state == "in_approval"


def test_approval_requires_the_password(make_document, users):
    version = make_document(state="in_approval").versions[0]
    with pytest.raises(ServiceError, match="contraseña"):
        service.apply_transition(users["approver"], version, "approve", password="incorrecta")
    db.session.rollback()
    assert db.session.get(DocumentVersion, version.id).state == "in_approval"


def test_wrong_state_is_refused_with_a_message(make_document, users):
    version = make_document(state="draft").versions[0]
    with pytest.raises(ServiceError, match="No se puede «aprobar» una versión en estado «Borrador»"):
        service.apply_transition(users["approver"], version, "approve", password=PASSWORD)


def test_permission_is_checked(make_document, users):
    version = make_document(state="in_review").versions[0]
    with pytest.raises(PermissionDenied):
        service.apply_transition(users["staff"], version, "pass_review", password=PASSWORD)
    with pytest.raises(PermissionDenied):
        service.apply_transition(users["reviewer"], version, "approve", password=PASSWORD)


def test_segregation_of_duties(make_document, users):
    from qms.auth.models import Role

    everything = db.session.scalar(sa.select(Role).where(Role.name == "approver"))
    author = users["author"]
    author.roles = author.roles + [everything, db.session.scalar(sa.select(Role).where(Role.name == "reviewer"))]
    version = make_document(state="in_review").versions[0]
    with pytest.raises(ServiceError, match="Segregación"):
        service.apply_transition(author, version, "pass_review", password=PASSWORD)
    service.apply_transition(users["reviewer"], version, "pass_review", password=PASSWORD)
    with pytest.raises(ServiceError, match="Segregación"):
        service.apply_transition(author, version, "approve", password=PASSWORD)
    reviewer_with_approval = users["reviewer"]
    reviewer_with_approval.roles = reviewer_with_approval.roles + [everything]
    with pytest.raises(ServiceError, match="revisó"):
        service.apply_transition(reviewer_with_approval, version, "approve", password=PASSWORD)


@pytest.mark.parametrize("app_overrides", [{"SEGREGATION_OF_DUTIES": False}])
def test_segregation_can_be_switched_off(make_document, users):
    from qms.auth.models import Role

    author = users["author"]
    author.roles = author.roles + [db.session.scalar(sa.select(Role).where(Role.name == "reviewer"))]
    version = make_document(state="in_review").versions[0]
    service.apply_transition(author, version, "pass_review", password=PASSWORD)
    assert version.state == "in_approval"


def test_return_needs_observations_and_reaches_the_author(make_document, users):
    version = make_document(state="in_review").versions[0]
    with pytest.raises(ServiceError, match="observaciones"):
        service.apply_transition(users["reviewer"], version, "return_review", password=PASSWORD, comment="  ")
    service.apply_transition(users["reviewer"], version, "return_review", password=PASSWORD,
                             comment="Falta el alcance regional.")
    assert version.state == "returned"
    assert version.signature("returned").comment == "Falta el alcance regional."
    from qms.documents.queries import inbox

    assert version in inbox(users["author"]).returned


def test_withdraw_needs_a_reason_and_keeps_the_code(make_document, users):
    document = make_document(state="effective")
    version = document.versions[0]
    with pytest.raises(ServiceError, match="motivo"):
        service.apply_transition(users["quality"], version, "withdraw", password=PASSWORD)
    service.apply_transition(users["quality"], version, "withdraw", password=PASSWORD, comment="Proceso eliminado.")
    assert version.state == "withdrawn" and version.withdrawn_reason == "Proceso eliminado."
    assert document.effective_version is None


def test_optimistic_locking_refuses_a_stale_save(make_document, users):
    version = make_document().versions[0]
    service.set_coauthors(users["quality"], version, [users["quality"]])
    db.session.commit()
    seen = version.lock_version
    service.save_draft(users["author"], version, title="Primera", sections={"objetivo": "A"},
                       change_description="", expected_lock_version=seen)
    db.session.commit()
    with pytest.raises(ConflictError):
        service.save_draft(users["quality"], version, title="Segunda", sections={"objetivo": "B"},
                           change_description="", expected_lock_version=seen)
    db.session.rollback()
    assert db.session.get(DocumentVersion, version.id).title == "Primera"


def test_approved_version_is_immutable_in_the_service(make_document, users):
    version = make_document(state="effective").versions[0]
    with pytest.raises(ServiceError, match="ya no se puede editar"):
        service.save_draft(users["author"], version, title="Cambio", sections={}, change_description="")


@pytest.mark.parametrize("field,value", [
    ("title", "Otro título"), ("sections", {"objetivo": "alterado"}), ("change_description", "x"),
    ("effective_date", date(2000, 1, 1)), ("output_sha256", "0" * 64), ("number", 9),
])
def test_approved_version_is_immutable_in_the_model(make_document, field, value):
    version = make_document(state="effective").versions[0]
    setattr(version, field, value)
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()


def test_locked_version_and_signatures_cannot_be_deleted(make_document):
    version = make_document(state="effective").versions[0]
    db.session.delete(version.signatures[0])
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
    version = db.session.get(DocumentVersion, version.id)
    db.session.delete(version)
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Signature.id))) == 3


def test_acknowledgements(make_document, users):
    from qms.auth.models import Role

    document = make_document(state="effective")
    version = document.versions[0]
    staff_role = db.session.scalar(sa.select(Role).where(Role.name == "staff"))
    service.set_distribution(users["quality"], document, roles=[staff_role])
    assert version in acknowledgements.pending_for(users["staff"])
    assert version not in acknowledgements.pending_for(users["auditor"])
    assert [u.username for u in acknowledgements.report(version)["unread"]] == ["staff"]
    acknowledgements.acknowledge(users["staff"], version)
    assert acknowledgements.pending_for(users["staff"]) == []
    assert [u.username for u, _ in acknowledgements.report(version)["read"]] == ["staff"]
    with pytest.raises(ServiceError, match="ya tomó"):
        acknowledgements.acknowledge(users["staff"], version)


def test_review_due_lists(make_document, users):
    from qms.documents.queries import review_due, review_due_counts

    def due():
        return db.session.scalars(review_due()).all(), review_due_counts()

    version = make_document(state="effective").versions[0]
    assert due() == ([], {"overdue": 0, "soon": 0})
    # Two years later the review is due; check the list through a frozen clock.
    from freezegun import freeze_time

    # Noon UTC is the same calendar day in Santiago.
    with freeze_time(f"{version.review_due + timedelta(days=1)} 12:00:00"):
        assert due() == ([version], {"overdue": 1, "soon": 0})
    with freeze_time(f"{version.review_due - timedelta(days=10)} 12:00:00"):
        assert due() == ([version], {"overdue": 0, "soon": 1})
    with freeze_time(f"{version.review_due - timedelta(days=31)} 12:00:00"):
        assert due() == ([], {"overdue": 0, "soon": 0})


def test_change_description_is_required_from_version_02(make_document, users):
    document = make_document(state="effective")
    v2 = service.start_revision(users["author"], document)
    service.save_draft(users["author"], v2, title=v2.title, sections={"objetivo": "Nuevo."}, change_description="  ")
    with pytest.raises(ServiceError, match="descripción del cambio es obligatoria"):
        service.apply_transition(users["author"], v2, "submit", password=PASSWORD)
    service.save_draft(users["author"], v2, title=v2.title, sections={"objetivo": "Nuevo."},
                       change_description="Se actualiza el objetivo.")
    service.apply_transition(users["author"], v2, "submit", password=PASSWORD)
    assert v2.state == "in_review"


def test_first_version_may_go_without_change_description(make_document, users):
    version = make_document().versions[0]
    service.save_draft(users["author"], version, title=version.title, sections={"objetivo": "Texto."},
                       change_description="")
    service.apply_transition(users["author"], version, "submit", password=PASSWORD)
    assert version.state == "in_review"


@pytest.fixture
def committee_approver(users):
    from qms.auth import service as auth

    user = auth.create_user(None, username="comite", full_name="Persona Comité", password=PASSWORD,
                            roles=["quality", "approver"])
    db.session.commit()
    return user


def test_committee_may_register_a_past_effective_date_with_a_reason(make_document, users, committee_approver):
    version = make_document(state="in_approval").versions[0]
    past = today_local() - timedelta(days=400)
    with pytest.raises(ServiceError, match="motivo de la fecha"):
        service.apply_transition(committee_approver, version, "approve", password=PASSWORD, effective_date=past)
    service.apply_transition(committee_approver, version, "approve", password=PASSWORD, effective_date=past,
                             backdate_reason="Procedimiento vigente desde 2025, importado del sistema anterior.")
    assert version.state == "effective" and version.effective_date == past
    assert version.review_due == add_months(past, 24)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "version.approve")).one()
    assert entry.details["backdated"] == {"effective_date": past.isoformat(),
                                          "reason": "Procedimiento vigente desde 2025, importado del sistema anterior."}


def test_approver_outside_the_committee_cannot_backdate(make_document, users, client, login):
    version = make_document(state="in_approval").versions[0]
    login("approver")
    page = client.get(f"/documentos/{version.document.code}/v/1").get_data(as_text=True)
    assert "Motivo de una fecha pasada" not in page
    response = client.post(f"/documentos/{version.document.code}/v/1/accion/approve", data={
        "approve-password": PASSWORD, "approve-effective_date": (today_local() - timedelta(days=3)).isoformat(),
        "approve-backdate_reason": "Quiero.", "approve-lock_version": version.lock_version})
    assert response.status_code == 400 and "Solo el Comité de Calidad" in response.get_data(as_text=True)
    db.session.refresh(version)
    assert version.state == "in_approval"
