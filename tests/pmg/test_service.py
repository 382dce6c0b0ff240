"""The PMG programme through its services: reference per year, commitment, bad input refused
with nothing changed, signed approval, revisions after approval, evidence bound from QMS."""
from datetime import date

import pytest
import sqlalchemy as sa

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.pmg import queries, service
from qms.pmg.models import PmgEvidence, PmgObjective, PmgScopeEntry
from qms.trail.models import AuditEntry
from tests.conftest import PASSWORD


def trail_actions(prefix="pmg."):
    return [a for (a,) in db.session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id))
            if a.startswith(prefix)]


def test_commitment_copies_the_reference_and_makes_the_stage_the_checklist(year_2026):
    objectives = queries.objectives(2026)
    assert [o.number for o in objectives] == list(range(1, 16))
    view = queries.stage_view(2026)
    assert [r.objective.number for r in view["results"]] == [10, 11, 12, 13]
    assert view["results"][0].objective.code == "SGC-2026-E3-10"
    assert "pmg.reference_loaded" in trail_actions() and "pmg.committed" in trail_actions()


def test_a_new_year_starts_from_the_previous_years_edited_objectives(year_2026, users):
    objective = queries.objectives(2026)[0]
    service.save_objective(users["quality"], objective, title="Diagnóstico de los procesos (ajustado)",
                           requirements=objective.requirements, evidence_kinds=["diagnosis", "upload"])
    db.session.commit()
    assert objective.revision == 2
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "pmg.objective_revised"))
    assert entry.details["changes"]["evidence_kinds"] == [["diagnosis"], ["diagnosis", "upload"]]
    service.commit(users["quality"], year=2027, stage=4)
    db.session.commit()
    copied = queries.objectives(2027)[0]
    assert copied.title == "Diagnóstico de los procesos (ajustado)" and copied.evidence_kinds == ["diagnosis", "upload"]
    # The 2026 copy is untouched by the new year.
    assert queries.objectives(2026)[0].year == 2026


def test_the_committee_adds_an_objective_to_a_year(year_2026, users):
    added = service.add_objective(users["quality"], year=2026, stage=3, number=16, title="Difusión de la política",
                                  requirements="Difundir la política de calidad a todo el personal.",
                                  evidence_kinds=["upload"])
    db.session.commit()
    assert added.code == "SGC-2026-E3-16"
    assert [r.objective.number for r in queries.stage_view(2026)["results"]] == [10, 11, 12, 13, 16]
    with pytest.raises(ServiceError, match="ya tiene un objetivo número 16"):
        service.add_objective(users["quality"], year=2026, stage=3, number=16, title="Otro", requirements="x",
                              evidence_kinds=["upload"])


def test_an_objective_needs_known_evidence_kinds(year_2026, users):
    objective = queries.objectives(2026)[0]
    with pytest.raises(ServiceError, match="tipo de medio de verificación"):
        service.save_objective(users["quality"], objective, title="x", requirements="y", evidence_kinds=["magia"])


def test_only_the_committee_commits(app, users):
    with pytest.raises(PermissionDenied):
        service.commit(users["staff"], year=2026, stage=3)


def test_activity_ending_before_it_starts_is_refused(programme, users):
    with pytest.raises(ServiceError, match="termina .* antes de empezar"):
        service.save_activity(users["quality"], programme, title="Auditoría interna", responsible=users["auditor"],
                              starts_on=date(2026, 6, 1), ends_on=date(2026, 5, 1))
    db.session.rollback()
    assert len(programme.activities) == 1


def test_scope_without_the_reason_of_an_excluded_process_is_refused(year_2026, users, process):
    from qms.org.models import Process

    other = Process(code="RRHH", name="Gestión de personas", kind="support")
    db.session.add(other)
    db.session.commit()
    service.set_scope(users["quality"], year=2026, entries=[(process, True, "", ["V"])])
    db.session.commit()
    with pytest.raises(ServiceError, match="fundamento para dejar el proceso RRHH"):
        service.set_scope(users["quality"], year=2026, entries=[(process, True, "", []), (other, False, "  ", [])])
    db.session.rollback()
    rows = db.session.scalars(sa.select(PmgScopeEntry)).all()
    assert [(r.process_id, r.region_codes) for r in rows] == [(process.id, ["V"])]


def test_approval_refused_while_an_activity_lacks_a_responsible(programme, users):
    with pytest.raises(ServiceError, match="no tienen responsable: 1 «Sensibilizar"):
        service.approve_programme(users["approver"], programme, PASSWORD)
    db.session.rollback()
    assert programme.state == "draft"


def test_approval_is_signed_and_later_changes_are_trailed_revisions(programme, users):
    activity = programme.activities[0]
    service.save_activity(users["quality"], programme, activity, title=activity.title, responsible=users["quality"],
                          starts_on=activity.starts_on, ends_on=activity.ends_on)
    db.session.commit()
    with pytest.raises(ServiceError):
        service.approve_programme(users["approver"], programme, "no-es-la-clave")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        service.approve_programme(users["quality"], programme, PASSWORD)
    service.approve_programme(users["approver"], programme, PASSWORD)
    db.session.commit()
    assert programme.state == "approved" and programme.approved_by_id == users["approver"].id
    service.save_activity(users["quality"], programme, activity, title=activity.title, responsible=users["quality"],
                          starts_on=activity.starts_on, ends_on=date(2026, 5, 31), progress=40, state="in_progress")
    db.session.commit()
    assert programme.revision == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "pmg.programme_revised"))
    assert entry.details["changes"]["ends_on"] == ["2026-04-30", "2026-05-31"]
    assert entry.details["revision"] == 1


def test_evidence_of_another_year_is_refused(year_2026, users):
    objective = queries.objectives(2026, 3)[0]
    with pytest.raises(ServiceError, match="es de 2025 .* objetivo es del programa 2026"):
        service.upload_evidence(users["quality"], objective, kind="diagnosis", title="Acta de constitución del comité",
                                record_date=date(2025, 12, 30), data=b"%PDF-1.4 acta", filename="acta.pdf")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(PmgEvidence.id))) == 0


def test_a_certificate_uploaded_fulfils_its_kind(year_2026, users):
    objective = db.session.scalar(sa.select(PmgObjective).where(PmgObjective.year == 2026, PmgObjective.number == 13))
    service.upload_evidence(users["quality"], objective, kind="certificate", title="Certificado de mantención 2026",
                            record_date=date(2026, 9, 15), data=b"%PDF-1.4 certificado", filename="cert.pdf")
    db.session.commit()
    result = next(r for r in queries.stage_view(2026)["results"] if r.objective.number == 13)
    certificate = next(k for k in result.kinds if k.kind == "certificate")
    assert certificate.state == "met" and certificate.items[0].code.startswith("CERT-ISO-2026-")
    assert "/registros/" in certificate.items[0].url


def test_an_upload_proves_only_a_kind_the_objective_asks_for(year_2026, users):
    objective = db.session.scalar(sa.select(PmgObjective).where(PmgObjective.year == 2026, PmgObjective.number == 12))
    with pytest.raises(ServiceError, match="qué medio de verificación"):
        service.upload_evidence(users["quality"], objective, kind="certificate", title="Certificado",
                                record_date=date(2026, 9, 15), data=b"%PDF-1.4 x", filename="c.pdf")
    service.upload_evidence(users["quality"], objective, kind="management_review", title="Acta firmada en papel",
                            record_date=date(2026, 8, 1), data=b"%PDF-1.4 acta", filename="acta.pdf")
    db.session.commit()
    result = next(r for r in queries.stage_view(2026)["results"] if r.objective.number == 12)
    assert result.state == "met" and result.items[0].code.startswith("MV-PMG-2026-")


def test_an_activity_naming_a_procedure_is_done_when_it_takes_effect(programme, users, make_document):
    document = make_document(title="Procedimiento de atención ciudadana", state="in_approval")
    activity = service.save_activity(users["quality"], programme, title="Aprobar el procedimiento",
                                     responsible=users["quality"], starts_on=date(2026, 1, 5),
                                     ends_on=date(2026, 2, 27), link_kind="document", link_id=document.id)
    db.session.commit()
    row = next(r for r in queries.activity_rows(programme) if r.activity.id == activity.id)
    assert not row.done and row.link_label.startswith(document.code)
    from qms.documents import service as documents

    documents.apply_transition(users["approver"], document.versions[0], "approve", password=PASSWORD)
    db.session.commit()
    row = next(r for r in queries.activity_rows(programme) if r.activity.id == activity.id)
    assert row.done and row.state == "done" and row.progress == 100


def test_manual_and_procedure_in_force_are_bound_with_their_dates(year_2026, users, make_document, process):
    service.set_scope(users["quality"], year=2026, entries=[(process, True, "", [])])
    make_document(title="Manual de la calidad", type_code="MC", state="effective")
    procedure = make_document(title="Procedimiento de control", state="effective")
    result = next(r for r in queries.stage_view(2026)["results"] if r.objective.number == 11)
    kind = next(k for k in result.kinds if k.kind == "manual_procedures")
    assert kind.state == "met"
    item = next(i for i in kind.items if i.code == procedure.code)
    assert item.url.endswith(f"/verificar/{procedure.versions[0].verification_code}")
    assert "vigente desde" in item.label


def test_a_gap_becomes_an_activity_once(year_2026, users, process):
    line = service.assess(users["quality"], year=2026, process=process, clause_number="9.2", rating="fails",
                          evidence="", gap="No hay programa de auditorías")
    activity = service.add_gap_activity(users["quality"], line, responsible=users["auditor"],
                                        starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30))
    db.session.commit()
    assert activity.title.startswith("Cerrar la brecha de GT en la cláusula 9.2")
    with pytest.raises(ServiceError, match="ya tiene su actividad"):
        service.add_gap_activity(users["quality"], line, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30))


def test_a_partial_clause_states_its_gap(year_2026, users, process):
    with pytest.raises(ServiceError, match="brecha"):
        service.assess(users["quality"], year=2026, process=process, clause_number="8.5", rating="partial",
                       evidence="Registros", gap="")


def test_flagged_strategic_products_list_their_gaps(year_2026, users, process, make_document):
    process.has_gender_focus = True
    process.has_territorial_focus = True
    db.session.commit()
    gaps = queries.perspective_gaps(2026)[0]["gaps"]
    assert gaps == ["El proceso GT no tiene procedimiento vigente.",
                    "El proceso GT no tiene indicadores desagregados por sexo.",
                    "El proceso GT no tiene indicadores desagregados por región."]
    make_document(state="effective")
    from qms.indicators import service as indicators

    indicators.save_indicator(users["quality"], None, name="Atenciones resueltas a tiempo", process=process,
                              responsible=users["quality"], numerator_definition="Atenciones a tiempo",
                              denominator_definition="Atenciones", is_by_sex=True)
    db.session.commit()
    assert queries.perspective_gaps(2026)[0]["gaps"] == ["El proceso GT no tiene indicadores desagregados por región."]
