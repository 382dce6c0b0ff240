"""Root-cause analysis keeps both methods: 5 porqués and Ishikawa (issue 13, item 2)."""
import io

import docx
import pytest
from freezegun import freeze_time

from qms.actions import service
from qms.actions.reports import report_context
from qms.errors import ServiceError
from qms.extensions import db
from tests.audits.factories import NOON, nonconformity, own_process, started_audit

WHYS = [("¿Por qué había una copia no controlada?", "Nadie retiró la versión anterior.")]
CAUSES = [("method", "No hay paso de retiro de copias"), ("manpower", "Rotación del personal")]


@pytest.fixture
def action(app, users, process):
    with freeze_time(NOON):
        own_process(process, users)
        return nonconformity(users, started_audit(users, process))[1]


def _save(users, action, method, **kwargs):
    service.save_analysis(users["staff"], action, method=method, root_cause="El procedimiento no exige retirarlas.",
                          **{"whys": WHYS, "causes": CAUSES, **kwargs})
    db.session.commit()


def _rows(action):
    return [(w.why, w.answer) for w in action.current_whys], [(c.category, c.cause) for c in action.current_causes]


@freeze_time(NOON)
def test_both_methods_are_kept_whichever_is_the_main_one(app, users, action):
    _save(users, action, "ishikawa")
    assert _rows(action) == (WHYS, CAUSES)
    _save(users, action, "five_whys")
    assert action.analysis_method == "five_whys" and _rows(action) == (WHYS, CAUSES)


@freeze_time(NOON)
def test_switching_method_never_empties_the_other_without_confirmation(app, users, action):
    _save(users, action, "five_whys")
    with pytest.raises(ServiceError) as error:
        _save(users, action, "ishikawa", whys=[])
    assert error.value.field == "discard_confirmed" and "los 5 porqués guardados" in error.value.message
    db.session.rollback()
    assert _rows(action) == (WHYS, CAUSES)
    with pytest.raises(ServiceError) as error:
        _save(users, action, "five_whys", causes=[])
    assert "las causas guardadas del Ishikawa" in error.value.message
    db.session.rollback()
    _save(users, action, "ishikawa", whys=[], discard_confirmed=True)
    assert _rows(action) == ([], CAUSES)


@freeze_time(NOON)
def test_the_report_shows_each_method_filled(app, users, action):
    from qms.docgen.service import render_report

    _save(users, action, "ishikawa")
    context = report_context(action)["action"]
    assert context["analysis_method"] == "Ishikawa (causa-efecto); 5 porqués"
    # The Ishikawa causes as a table by category, the 5 porqués as their own lines.
    assert context["causes"] == [{"category": "Métodos", "cause": "No hay paso de retiro de copias"},
                                 {"category": "Mano de obra (personas)", "cause": "Rotación del personal"}]
    assert len(context["whys"]) == 1
    report = docx.Document(io.BytesIO(render_report("accion_correctiva.docx", report_context(action))))
    text = "\n".join(c.text for t in report.tables for row in t.rows for c in row.cells)
    assert "Nadie retiró la versión anterior." in text and "No hay paso de retiro de copias" in text
    assert "Rotación del personal" in text


@freeze_time(NOON)
def test_the_analysis_page_saves_both_and_asks_before_emptying(client, login, users, action):
    login("staff")
    url = f"/acciones/{action.code}/analisis"
    form = {"method": "ishikawa", "why": [WHYS[0][0]], "answer": [WHYS[0][1]],
            "cause_method": CAUSES[0][1], "cause_manpower": CAUSES[1][1], "root_cause": "Sin paso de retiro."}
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    assert _rows(action) == (WHYS, CAUSES)
    page = client.get(url).get_data(as_text=True)
    assert WHYS[0][1] in page and CAUSES[1][1] in page and 'name="discard_confirmed"' in page
    response = client.post(url, data={**form, "why": [""], "answer": [""], "root_cause": "Causa nueva escrita"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Se borrarían los 5 porqués guardados" in page
    assert "Causa nueva escrita" in page
    db.session.expire_all()
    assert _rows(action) == (WHYS, CAUSES)
    assert client.post(url, data={**form, "why": [""], "answer": [""], "discard_confirmed": "y"}).status_code == 302
    db.session.expire_all()
    assert _rows(action) == ([], CAUSES)
