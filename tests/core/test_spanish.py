"""Spanish: messages agree with their field, facet chips and trail actions have Spanish names."""
import re
from pathlib import Path

import pytest
from freezegun import freeze_time

from qms.core.checks import required_message, text
from qms.errors import ServiceError
from tests.audits.factories import NOON

ROOT = Path(__file__).resolve().parents[2]
#: Module -> the object types whose trail actions it writes.
MODULES = {"audits": ("audit", "programme", "finding"), "actions": ("action",),
           "nonconformities": ("nonconformity",), "records": ("record", "record_type", "disposition")}


@pytest.mark.parametrize("label, message", [
    ("La fecha", "La fecha es obligatoria."),
    ("La descripción del hallazgo", "La descripción del hallazgo es obligatoria."),
    ("El título", "El título es obligatorio."),
    ("Las conclusiones", "Las conclusiones son obligatorias."),
    ("Los motivos", "Los motivos son obligatorios."),
])
def test_required_messages_agree_with_their_field(label, message):
    assert required_message(label) == message
    with pytest.raises(ServiceError) as refused:
        text("  ", label)
    assert refused.value.message == message


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_trail_action_of_the_module_has_a_spanish_name(app, module):
    from importlib import import_module

    labels = import_module(f"qms.{module}.trail_labels").TRAIL_ACTION_LABELS
    prefixes = "|".join(MODULES[module])
    written = set()
    for source in (ROOT / "qms" / module).glob("*.py"):
        written |= set(re.findall(rf'"((?:{prefixes})\.[a-z_]+)"', source.read_text()))
    assert written, module
    missing = {a for a in written if a not in labels and not a.endswith(".transition")} - {"record.id"}
    assert not missing, f"{module}: trail actions without a Spanish name: {sorted(missing)}"


def test_transitions_are_named_by_their_step(app):
    from qms.trail import wording

    assert wording.action_label("audit.transition", {"transition": "report"}) == \
        "Informe de auditoría emitido"
    assert wording.action_label("action.withdrawn", {}) == "Acción anulada"
    assert wording.action_label("nonconformity.transition", {"transition": "withdraw"}) == \
        "PNC anulado"
    assert wording.action_label("record.created", {}) == "Registro creado"
    assert wording.action_label("x.y", {}) == "x.y"


@freeze_time(NOON)
def test_the_trail_page_shows_the_spanish_name(app, client, login, users, process):
    from qms.extensions import db
    from qms.nonconformities import service

    service.report(users["staff"], output_kind="service", product="Certificado", process=process,
                   region_code=None, description="Mal emitido.", detected_on=None)
    db.session.commit()
    login("quality")  # the committee sees the PNC's entries (the administrator does not)
    html = client.get("/bitacora/", follow_redirects=True).get_data(as_text=True)
    assert "PNC informado" in html, html[:500]


def test_the_type_facet_of_a_pnc_is_in_spanish(app):
    from qms.search.service import facet_labels

    names = facet_labels("type", ["service", "product", "corrective", "internal"])
    assert names == {"service": "Servicio", "product": "Producto", "corrective": "Correctiva", "internal": "Interna"}
