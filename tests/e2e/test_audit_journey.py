"""An audit from opening to closure, with its nonconformity analysed, implemented and verified."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from qms.extensions import db
from qms.timeutil import today_local
from tests.audits.factories import load_record_types, own_process, plan_audit, second_auditor
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_audit_journey(app, users, process, page_for, live_server):
    from qms.actions.models import Action
    from qms.audits.models import Audit

    load_record_types()
    own_process(process, users, owner="staff")
    verifier = second_auditor(users)
    today = today_local()
    audit = plan_audit(users, process, start=today, end=today)
    code = audit.code
    db.session.commit()

    # The auditor opens the audit, answers a question and records a nonconformity.
    auditor = page_for("auditor", PASSWORD)
    auditor.goto(f"{live_server}/auditorias/{code}")
    auditor.click("form.transition-start button")
    assert "En ejecución" in auditor.inner_text("main")
    auditor.fill("#question", "¿Se usan solo copias vigentes de los documentos?")
    auditor.click("form[action$='/lista'] button[type=submit]")
    # Issuing the report with the question unanswered is refused, and what was typed stays.
    auditor.fill("#conclusions", "Borrador de conclusiones del equipo.")
    auditor.click("form.transition-report button")
    assert "sin responder" in auditor.inner_text(".alert")
    assert auditor.input_value("#conclusions") == "Borrador de conclusiones del equipo."
    auditor.goto(f"{live_server}/auditorias/{code}")
    auditor.locator("#item-1 input[name=evidence]").fill("Copia v01 en el mesón de partes")
    auditor.locator("#item-1 select[name=result]").select_option("nonconforming")
    auditor.locator("#item-1 button").click()
    auditor.select_option("#kind", "nc_minor")
    auditor.select_option("#f_clause", "7.5.3")
    auditor.fill("#requirement", "Prevenir el uso no intencionado de información obsoleta.")
    auditor.fill("#description", "Copia no controlada del procedimiento en la oficina de partes.")
    auditor.fill("#f_evidence", "Copia impresa versión 01.")
    auditor.click("#new-finding button[type=submit]")
    message = auditor.inner_text(".alert")
    assert "se abrió la acción correctiva AC-" in message
    # Read the code from the page: a query here would open a transaction in the test's
    # session, and on SQLite its transactions take the write lock (BEGIN IMMEDIATE), so
    # the server's next write would wait for it until the busy timeout.
    action_code = re.search(r"AC-\d{4}-\d{3}", message).group(0)
    auditor.fill("#conclusions", "El proceso es conforme salvo una no conformidad menor.")
    auditor.click("form.transition-report button")
    assert "Informada" in auditor.inner_text("main")
    assert auditor.locator("text=Descargar informe (Word)").count() == 1

    # The process owner analyses it with 5 porqués and completes the plan.
    owner = page_for("staff", PASSWORD)
    owner.goto(f"{live_server}/acciones/{action_code}/analisis")
    owner.check("#method_five_whys")
    owner.fill("#why_1", "¿Por qué había una copia no controlada?")
    owner.fill("#answer_1", "Nadie retiró la versión anterior.")
    owner.fill("#why_2", "¿Por qué nadie la retiró?")
    owner.fill("#answer_2", "No se avisó de la nueva versión.")
    owner.fill("#cause_method", "No hay un paso de retiro de copias.")  # the Ishikawa too: both are kept
    owner.fill("#root_cause", "Falta de aviso de nuevas versiones.")
    owner.click("main button[type=submit]")
    assert "Análisis de causa guardado." in owner.inner_text(".alert")
    owner.goto(f"{live_server}/acciones/{action_code}/analisis")
    assert owner.input_value("#answer_2") == "No se avisó de la nueva versión."
    assert owner.input_value("#cause_method") == "No hay un paso de retiro de copias."
    owner.goto(f"{live_server}/acciones/{action_code}")
    owner.fill("#task_description", "Retirar copias impresas y avisar las nuevas versiones")
    owner.fill("#task_due", today.isoformat())
    owner.click("#new-task button")
    # the owner cannot verify their own action
    owner.select_option("#verifier_id", label="Segunda Auditora")
    owner.fill("#planned_date", (today + timedelta(days=20)).isoformat())  # verified early below
    owner.click("#plan-verification button")
    assert "Verificación de eficacia planificada." in owner.inner_text(".alert")
    owner.click("form.transition-start_implementation button")
    assert "En implementación" in owner.inner_text("main")
    owner.click("form.transition-request_verification button")
    assert "quedan 1 tarea(s) abierta(s)" in owner.inner_text(".alert")
    owner.locator("#task-1 input[name=evidence_note]").fill("Acta de retiro de copias.")
    owner.locator("#task-1 select[name=status]").select_option("done")
    owner.locator("#task-1 form.task-form button").click()
    owner.click("form.transition-request_verification button")
    assert "En verificación" in owner.inner_text("main")
    assert owner.locator("form.transition-verify_effective").count() == 0

    # Another user verifies it as effective.
    checker = page_for("auditora2", PASSWORD)
    checker.goto(f"{live_server}/acciones/{action_code}")
    checker.fill("#evidence_verify_effective", "Revisadas las oficinas: solo copias vigentes.")
    # Twenty days before the planned date: without a reason the form does not go.
    checker.click("form.transition-verify_effective button")
    assert "Cerrada" not in checker.inner_text("main h1 + *, main")
    assert checker.locator("#early_reason_verify_effective").evaluate("e => e.validity.valueMissing")
    checker.fill("#early_reason_verify_effective", "La auditoría de seguimiento se adelantó.")
    checker.click("form.transition-verify_effective button")
    assert "Cerrada" in checker.inner_text("main")

    # The audit closes.
    auditor.goto(f"{live_server}/auditorias/{code}")
    auditor.click("form.transition-close button")
    assert "Cerrada" in auditor.inner_text("main")
    db.session.expire_all()
    closed = db.session.scalar(sa.select(Audit).where(Audit.code == code))
    assert closed.state == "closed" and closed.report_sha256
    assert closed.report_record_id is not None  # the report was registered as a record
    assert db.session.scalar(sa.select(Action)).state == "closed"
    assert verifier.id != users["staff"].id
