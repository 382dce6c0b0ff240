"""The state of each kind of evidence, computed from plain facts (no database)."""
from datetime import date

from qms.pmg.evidence import (MET, ONGOING, PENDING, YearFacts, activity_done, combine, evaluate, is_overdue,
                              objective_result)


def facts(**values) -> YearFacts:
    return YearFacts(year=2026, **values)


def scope(*included, out=()):
    return ([{"process": p, "included": True, "reason": "", "regions": []} for p in included]
            + [{"process": p, "included": False, "reason": "Sin usuarios externos.", "regions": []} for p in out])


def test_diagnosis_is_met_when_every_process_of_the_scope_is_assessed():
    assert evaluate("diagnosis", facts()).state == PENDING
    partial = evaluate("diagnosis", facts(assessed={"SIAC": 4}, scope=scope("SIAC", "GT")))
    assert partial.state == ONGOING
    assert partial.missing == ["Falta el diagnóstico del proceso GT."]
    done = evaluate("diagnosis", facts(assessed={"SIAC": 4, "GT": 2}, scope=scope("SIAC", "GT")))
    assert done.state == MET and not done.missing and len(done.items) == 2


def test_scope_needs_a_process_inside():
    assert evaluate("scope", facts()).state == PENDING
    assert evaluate("scope", facts(scope=scope(out=("RRHH",)))).state == ONGOING
    result = evaluate("scope", facts(scope=scope("SIAC", out=("RRHH",))))
    assert result.state == MET
    assert any("fuera del alcance: Sin usuarios externos." in i.label for i in result.items)


def test_plan_needs_processes_for_the_year():
    assert evaluate("plan", facts()).state == PENDING
    later = evaluate("plan", facts(plan=[{"year": 2027, "process": "GT", "region": ""}]))
    assert later.state == ONGOING and later.missing == ["El plan trienal no tiene procesos para 2026."]
    assert evaluate("plan", facts(plan=[{"year": 2026, "process": "GT", "region": "V"}])).state == MET


def test_programme_is_met_when_approved_and_every_activity_done():
    activity = {"number": 1, "title": "Elaborar el procedimiento", "done": False, "ends_on": date(2026, 5, 1)}
    assert evaluate("programme", facts()).state == PENDING
    draft = evaluate("programme", facts(programme={"state": "draft", "activities": [{**activity, "done": True}]}))
    assert draft.state == ONGOING and "no está aprobado" in draft.missing[0]
    open_ = evaluate("programme", facts(programme={"state": "approved", "activities": [activity]}))
    assert open_.state == ONGOING and "sin terminar (termina el 01-05-2026)" in open_.missing[0]
    done = evaluate("programme", facts(programme={"state": "approved", "activities": [{**activity, "done": True}]}))
    assert done.state == MET


def doc(code, type_, process):
    return {"code": code, "title": code, "type": type_, "process": process, "effective_date": date(2026, 3, 2),
            "url": f"http://x/verificar/{code}"}


def test_manual_and_procedures_in_force_for_each_process_in_scope():
    assert evaluate("manual_procedures", facts()).state == PENDING
    only_manual = evaluate("manual_procedures", facts(documents=[doc("MC-CAL-01", "MC", "CAL")],
                                                      scope=scope("SIAC")))
    assert only_manual.state == ONGOING
    assert only_manual.missing == ["El proceso SIAC no tiene procedimiento vigente."]
    done = evaluate("manual_procedures", facts(documents=[doc("MC-CAL-01", "MC", "CAL"), doc("PR-SIAC-01", "PR", "SIAC")],
                                               scope=scope("SIAC")))
    assert done.state == MET
    assert done.items[1].url == "http://x/verificar/PR-SIAC-01" and "vigente desde 02-03-2026" in done.items[1].label


def audit(code, state):
    return {"code": code, "title": "Auditoría", "state": state, "state_label": state, "url": f"http://x/{code}"}


def test_internal_audits_need_the_approved_programme_and_every_report():
    assert evaluate("internal_audits", facts()).state == PENDING
    approved = {"state": "approved", "url": "http://x/programa"}
    ongoing = evaluate("internal_audits", facts(audit_programme=approved, audits=[audit("AUD-2026-01", "in_progress")]))
    assert ongoing.state == ONGOING and ongoing.missing == ["La auditoría AUD-2026-01 aún no tiene informe."]
    draft = evaluate("internal_audits", facts(audit_programme={"state": "draft", "url": ""},
                                              audits=[audit("AUD-2026-01", "reported")]))
    assert draft.state == ONGOING
    assert evaluate("internal_audits", facts(audit_programme=approved,
                                             audits=[audit("AUD-2026-01", "closed")])).state == MET


def test_capa_is_met_when_the_actions_of_the_year_are_closed():
    assert evaluate("capa", facts()).state == PENDING
    assert evaluate("capa", facts(actions=[audit("AC-2026-001", "closed"), audit("AC-2026-002", "analysis")])).state == ONGOING
    assert evaluate("capa", facts(actions=[audit("AC-2026-001", "closed")])).state == MET


def test_management_review_needs_approved_minutes():
    assert evaluate("management_review", facts()).state == PENDING
    assert evaluate("management_review", facts(reviews=[audit("RD-2026-01", "held")])).state == ONGOING
    assert evaluate("management_review", facts(reviews=[audit("RD-2026-01", "approved")])).state == MET


def test_certificate_and_uploads_are_met_by_a_record():
    cert = {"code": "CERT-ISO-2026-001", "title": "Certificado", "record_date": date(2026, 9, 1), "url": "http://x/r/1"}
    assert evaluate("certificate", facts()).state == PENDING
    assert evaluate("certificate", facts(certificates=[cert])).state == MET
    assert evaluate("upload", facts(), 7).state == PENDING
    assert evaluate("upload", facts(uploads={(7, "upload"): [cert]}), 7).state == MET
    assert evaluate("upload", facts(uploads={(8, "upload"): [cert]}), 7).state == PENDING


def test_a_medio_uploaded_for_a_kind_meets_it_when_qms_has_not_got_it():
    paper = {"code": "MV-PMG-2026-001", "title": "Acta en papel", "record_date": date(2026, 8, 1), "url": "http://x/r/2"}
    result = evaluate("management_review", facts(uploads={(7, "management_review"): [paper]}), 7)
    assert result.state == MET and not result.missing and result.items[0].code == "MV-PMG-2026-001"
    # Another objective's upload proves nothing here.
    assert evaluate("management_review", facts(uploads={(8, "management_review"): [paper]}), 7).state == PENDING


def test_an_objective_combines_its_kinds():
    assert combine([MET, MET]) == MET
    assert combine([MET, PENDING]) == ONGOING
    assert combine([PENDING, PENDING]) == PENDING

    class Objective:
        id, evidence_kinds = 3, ["scope", "certificate"]

    result = objective_result(Objective(), facts(scope=scope("SIAC")))
    assert result.state == ONGOING
    assert result.missing[0].startswith("Falta el certificado")


def test_an_activity_naming_an_object_follows_that_object():
    assert activity_done("", None, "done", set(), {}) is True
    assert activity_done("", None, "in_progress", set(), {}) is False
    # Marked done by hand means nothing while the procedure it names is not in force.
    assert activity_done("document", 5, "done", set(), {}) is False
    assert activity_done("document", 5, "pending", {5}, {}) is True
    assert activity_done("audit", 2, "pending", set(), {("audit", 2): "reported"}) is True
    assert activity_done("action", 2, "pending", set(), {("action", 2): "verifying"}) is False
    assert activity_done("review", 1, "pending", set(), {("review", 1): "approved"}) is True
    assert is_overdue(False, date(2026, 1, 1), date(2026, 1, 2)) and not is_overdue(True, date(2026, 1, 1), date(2026, 2, 1))


def test_a_certificate_uploaded_for_its_objective_is_listed_once():
    cert = {"code": "CERT-ISO-2026-001", "title": "Certificado", "record_date": date(2026, 9, 1), "url": "http://x/r/1"}
    result = evaluate("certificate", facts(certificates=[cert], uploads={(7, "certificate"): [cert]}), 7)
    assert result.state == MET and [i.code for i in result.items] == ["CERT-ISO-2026-001"]
