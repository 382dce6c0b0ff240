"""The committee's glossary: its service, its pages and what it does to searches."""
import pytest
import sqlalchemy as sa

from qms.errors import PermissionDenied, ServiceError
from qms.extensions import db
from qms.search import glossary
from qms.search.models import GlossaryEntry
from qms.trail.models import AuditEntry
from tests.conftest import ROLES
from tests.search.conftest import codes


def _entry(term):
    return db.session.scalar(sa.select(GlossaryEntry).where(GlossaryEntry.term_key == glossary.term_key(term)))


def test_reference_data_seeds_the_pmg_systems_and_acronyms_once(app):
    from qms.home.reference_data import load_reference_data

    assert _entry("SIAC").expressions == ["SIAC", "Sistema Integral de Información y Atención Ciudadana"]
    assert "Plan Anual de Capacitación" in _entry("PAC").expressions
    assert "reclamo" in _entry("queja").expressions
    db.session.delete(_entry("PAC"))
    db.session.commit()
    load_reference_data()  # ``qms init`` again: the committee's deletion stands
    db.session.commit()
    assert _entry("PAC") is None


def test_committee_adds_changes_and_removes_an_entry_with_trail(app, users):
    quality = users["quality"]
    entry = glossary.save_entry(quality, None, term="  Licencia  médica ", equivalents="LM\n\nreposo\nLM",
                                note="Ausencias")
    db.session.commit()
    assert entry.term == "Licencia médica" and entry.expressions == ["Licencia médica", "LM", "reposo"]
    glossary.save_entry(quality, entry, term="licencia médica", equivalents="LM", note="")
    db.session.commit()
    glossary.delete_entry(quality, entry)
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "glossary_entry")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["glossary.created", "glossary.updated", "glossary.deleted"]


@pytest.mark.parametrize("term,equivalents,field,message", [
    ("", "reclamo", "term", "Escriba el término"),
    ("de la", "reclamo", "term", "no tiene palabras"),
    ("x" * 121, "reclamo", "term", "hasta 120"),
    ("reclamo ciudadano", "", "equivalents", "al menos un equivalente"),
    ("reclamo ciudadano", "Reclamos Ciudadanos", "equivalents", "se busca igual"),
    ("reclamo ciudadano", "y " * 3, "equivalents", "no tiene palabras"),
    ("reclamo ciudadano", "\n".join(f"uno{i}" for i in range(21)), "equivalents", "Hasta 20"),
    ("QUEJA", "molestia", "term", "ya está en el glosario"),  # seeded as "queja"
])
def test_bad_input_is_refused_with_a_spanish_message(app, users, term, equivalents, field, message):
    with pytest.raises(ServiceError) as error:
        glossary.save_entry(users["quality"], None, term=term, equivalents=equivalents)
    assert error.value.field == field and message in error.value.message
    db.session.rollback()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "quality"])
def test_only_the_committee_changes_the_glossary(app, users, role):
    with pytest.raises(PermissionDenied):
        glossary.save_entry(users[role], None, term="licencia", equivalents="reposo")
    with pytest.raises(PermissionDenied):
        glossary.delete_entry(users[role], _entry("queja"))
    db.session.rollback()


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(app, client, login, users, role):
    login(role)
    assert client.get("/glosario/").status_code == 200
    entry_id = _entry("queja").id
    allowed = users[role].can("glossary.manage")
    assert client.get("/glosario/nuevo").status_code == (200 if allowed else 403)
    response = client.post(f"/glosario/{entry_id}/quitar")
    assert response.status_code == (302 if allowed else 403)
    assert (_entry("queja") is None) is allowed


def test_form_keeps_the_typing_and_shows_the_message(app, client, login, users):
    login("quality")
    response = client.post("/glosario/nuevo", data={"term": "QUEJA", "equivalents": "molestia\nreclamo formal",
                                                    "note": "repetido"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400, response.headers.get("Location")
    assert "Ese término ya está en el glosario." in html
    assert 'value="QUEJA"' in html and "molestia\nreclamo formal" in html and 'value="repetido"' in html
    response = client.post("/glosario/nuevo", data={"term": "Licencia médica", "equivalents": "reposo <b>"})
    assert response.status_code == 302
    assert "reposo &lt;b&gt;" in client.get("/glosario/").get_data(as_text=True)


def test_form_needs_its_csrf_token(app, client, login, users):
    login("quality")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/glosario/nuevo", data={"term": "Licencia", "equivalents": "reposo"})
    assert response.status_code == 400 and _entry("Licencia") is None
    response = client.post(f"/glosario/{_entry('queja').id}/quitar")
    assert response.status_code == 400 and _entry("queja") is not None


def test_a_new_entry_applies_to_the_next_search(search_backend, corpus, users, search_as):
    quality = users["quality"]
    assert search_as(quality, "hallazgos").total >= 1
    assert search_as(quality, "constatación").total == 0
    glossary.save_entry(quality, None, term="constatación", equivalents="hallazgo")
    db.session.commit()
    found = codes(search_as(quality, "constatación"))
    assert corpus["auditoria"].code in found and found == codes(search_as(quality, "hallazgo"))


def test_results_page_says_what_the_glossary_added(search_backend, corpus, client, login, users):
    login("staff")
    html = client.get("/buscar?q=quejas").get_data(as_text=True)
    assert "data-search-glossary" in html and "«quejas»: reclamo, reclamación" in html
    assert f"/documentos/{corpus['acciones'].code}/v/1" in html
    assert "data-search-glossary" not in client.get("/buscar?q=hallazgos").get_data(as_text=True)
