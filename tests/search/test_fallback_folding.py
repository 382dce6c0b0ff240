"""While the index is missing, search answers from the database blind to accents and case,
over the same text the index holds (a document's sections, an action's problem), on
either backend: the Whoosh index directory gone, or the PostgreSQL search table empty."""
import shutil

import pytest
import sqlalchemy as sa

from qms.extensions import db
from tests.search.conftest import codes


@pytest.fixture
def no_index(app, corpus, search_backend):
    if search_backend == "postgres":
        from qms.search.pg_models import SearchEntry

        db.session.execute(sa.delete(SearchEntry))
        db.session.commit()
    else:
        shutil.rmtree(app.config["INDEX_PATH"])
    return corpus


@pytest.mark.parametrize("typed", ["auditorías", "auditorias", "AUDITORÍAS", "Auditorias"])
def test_every_spelling_finds_the_document(no_index, users, search_as, typed):
    result = search_as(users["staff"], typed)
    assert result.is_degraded
    assert no_index["auditoria"].code in codes(result)


def test_words_of_the_sections_are_found_without_their_accents(no_index, users, search_as):
    # "capacitación" and "género" are only in the sections' text, stored as JSON.
    result = search_as(users["staff"], "GENERO capacitacion")
    assert codes(result) == [no_index["capacitacion"].code]


def test_an_action_is_found_by_its_problem(no_index, app, users, search_as):
    from qms.actions import service
    from qms.extensions import db

    action = service.create_action(users["quality"], kind="corrective", source_kind="other", source_ref="",
                                   title="Tablero de seguimiento", problem="La información llega tarde al comité.",
                                   process=None, owner=users["quality"])
    db.session.commit()
    assert action.code in codes(search_as(users["quality"], "informacion"))


def test_glossary_words_find_their_equivalents_without_the_index(no_index, users, search_as):
    # The corpus says "reclamos SIAC"; nobody wrote "queja".
    result = search_as(users["staff"], "queja")
    assert result.is_degraded
    assert codes(result) == [no_index["acciones"].code]
