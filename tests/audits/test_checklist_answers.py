"""A checklist question without an answer is «Sin responder», and blocks the report."""
import re
from datetime import date

import pytest
from freezegun import freeze_time

from qms.audits import service
from qms.errors import ServiceError
from qms.extensions import db
from tests.audits.factories import NOON, clause, own_process, started_audit


def _audit_with_two_questions(users, process):
    own_process(process, users)
    audit = started_audit(users, process)
    first = service.add_checklist_item(users["auditor"], audit, question="¿Se controlan las copias impresas?",
                                       clause=clause())
    second = service.add_checklist_item(users["auditor"], audit, question="¿Se registra la distribución?",
                                        clause=clause())
    service.answer_checklist_item(users["auditor"], first, result="conforming", evidence="Copias selladas.")
    db.session.commit()
    return audit, first, second


@freeze_time(NOON)
def test_report_refused_while_a_question_is_unanswered_and_the_message_lists_it(app, users, process):
    audit, _first, second = _audit_with_two_questions(users, process)
    with pytest.raises(ServiceError) as refused:
        service.apply_transition(users["auditor"], audit, "report", actual_end=date(2026, 3, 10),
                                 conclusions="Conforme en general.")
    assert "N° 2 «¿Se registra la distribución?»" in refused.value.message
    assert "N° 1" not in refused.value.message
    db.session.rollback()
    service.answer_checklist_item(users["auditor"], second, result="observation", evidence="Sin registro.")
    service.apply_transition(users["auditor"], audit, "report", actual_end=date(2026, 3, 10),
                             conclusions="Conforme en general.")
    assert audit.state == "reported"


@freeze_time(NOON)
def test_an_answer_cannot_be_blank(app, users, process):
    _audit, _first, second = _audit_with_two_questions(users, process)
    with pytest.raises(ServiceError):
        service.answer_checklist_item(users["auditor"], second, result="", evidence="")


@freeze_time(NOON)
def test_the_page_shows_sin_responder_not_conforme(app, client, login, users, process):
    audit, _first, second = _audit_with_two_questions(users, process)
    login("auditor")
    html = client.get(f"/auditorias/{audit.code}").get_data(as_text=True)
    row = re.search(r'<tr id="item-2">.*?</tr>', html, re.S).group(0)
    selected = re.findall(r'<option value="([^"]*)"\s+selected', row)
    assert selected == [""], selected
    assert ">Sin responder</option>" in row
    answered = re.search(r'<tr id="item-1">.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"\s+selected', answered) == ["conforming"]
