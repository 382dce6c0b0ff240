"""Every state of every workflow shows a visible badge, from its module's one state map."""
import re
from pathlib import Path

import pytest
from freezegun import freeze_time

from qms.actions.workflow import WORKFLOW as ACTIONS
from qms.audits.models import PROGRAMME_STATES
from qms.audits.workflow import WORKFLOW as AUDITS
from qms.core.states import VISIBLE_TONES, State, StateMap
from qms.documents.workflow import WORKFLOW as DOCUMENTS
from qms.nonconformities.workflow import WORKFLOW as PNC
from qms.records.common import RETENTION_STATES
from qms.records.models import BATCH_STATES, RECORD_STATES
from tests.audits.factories import NOON, load_record_types, own_process, plan_audit

STATE_MAPS = {"audits": AUDITS.states, "actions": ACTIONS.states, "nonconformities": PNC.states,
              "programmes": PROGRAMME_STATES, "records": RECORD_STATES, "batches": BATCH_STATES,
              "retention": RETENTION_STATES}
CSS = Path(__file__).resolve().parents[2] / "static" / "app.css"


@pytest.mark.parametrize("name", sorted(STATE_MAPS))
def test_every_state_of_the_module_has_a_visible_tone(name):
    states = STATE_MAPS[name]
    assert isinstance(states, StateMap), f"{name}: its states are not a StateMap"
    for key in states:
        assert states.tone(key) in VISIBLE_TONES, f"{name}: «{key}» has no visible badge"
        assert states.label(key)


def test_every_state_any_transition_reaches_is_in_the_map():
    for workflow in (AUDITS, ACTIONS, PNC):
        for transition in workflow.transitions.values():
            assert transition.target in workflow.states and transition.sources <= set(workflow.states)


def test_document_states_are_coloured_by_the_stylesheet():
    css = CSS.read_text()
    for state in DOCUMENTS.states:
        assert re.search(rf"\.state-{state}\b[^{{]*\{{[^}}]*background", css), f"document state «{state}»"


def test_a_state_without_a_visible_tone_is_refused():
    with pytest.raises(ValueError):
        StateMap(State("ghost", "Fantasma", "light"))


@freeze_time(NOON)
def test_list_pages_show_coloured_badges(app, client, login, users, process):
    from qms.actions import service as actions
    from qms.extensions import db
    from qms.nonconformities import service as pnc

    load_record_types()
    own_process(process, users)
    plan_audit(users, process)
    actions.create_action(users["quality"], kind="corrective", source_kind="other", title="Acción de prueba",
                          problem="Un problema.", owner=users["staff"])
    pnc.report(users["staff"], output_kind="service", product="Certificado", process=process, region_code=None,
               description="Mal emitido.", detected_on=None)
    db.session.commit()
    login("quality")
    for url, state, label in (("/auditorias/", "planned", "Planificada"), ("/acciones/", "open", "Abierta"),
                              ("/pnc/", "reported", "Informado")):
        html = client.get(url).get_data(as_text=True)
        badge = re.search(rf'<span class="badge state ([^"]*)" data-state="{state}">{label}</span>', html)
        assert badge, url
        assert re.fullmatch(r"text-bg-(" + "|".join(VISIBLE_TONES) + ")", badge.group(1)), url
