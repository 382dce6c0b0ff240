"""Relevance on a small Spanish corpus: accents, plurals, stems, codes, phrases, typos."""
import pytest

from tests.search.conftest import codes

pytestmark = pytest.mark.usefixtures("search_backend")


@pytest.fixture
def quality(users):
    return users["quality"]


@pytest.mark.parametrize("text", ["auditoria", "Auditorías", "AUDITORÍA", "auditorias"])
def test_accents_and_plurals_find_the_audit_procedure_first(corpus, quality, search_as, text):
    result = search_as(quality, text)
    assert codes(result)[0] == corpus["auditoria"].code


@pytest.mark.parametrize("text", ["capacitación", "capacitaciones", "CAPACITACION"])
def test_capacitacion_and_its_plural_meet(corpus, quality, search_as, text):
    assert codes(search_as(quality, text)) == [corpus["capacitacion"].code]


def test_accion_correctiva_finds_plural_text(corpus, quality, search_as):
    """The procedure says "acciones correctivas"; its title says "Acción correctiva"."""
    result = search_as(quality, "acciones correctivas")
    assert codes(result)[0] == corpus["acciones"].code


@pytest.mark.parametrize("typed", ["PR-GT-03", "pr-gt-03", "PRGT03", "codigo:PR-GT-03"])
def test_code_puts_its_document_first(corpus, quality, search_as, typed):
    result = search_as(quality, typed)
    assert corpus["acciones"].code == "PR-GT-03"
    assert codes(result)[0] == "PR-GT-03"


def test_phrase_requires_adjacent_words(corpus, quality, search_as):
    assert codes(search_as(quality, '"control de documentos"')) == [corpus["control"].code]
    # Both words occur in the audit procedure, but not side by side.
    assert corpus["auditoria"].code not in codes(search_as(quality, '"calidad sistema"'))


def test_prefix(corpus, quality, search_as):
    assert codes(search_as(quality, "capacitac*")) == [corpus["capacitacion"].code]


def test_typo_offers_a_correction_that_finds_results(corpus, quality, search_as):
    result = search_as(quality, "capasitacion")
    assert result.total == 0
    assert result.suggestion == "capacitación"  # as written in the index, accent restored
    assert search_as(quality, result.suggestion).total == 1


def test_all_words_first_then_any(corpus, quality, search_as):
    result = search_as(quality, "capacitación inexistentísima")
    assert result.is_relaxed and codes(result) == [corpus["capacitacion"].code]


def test_excluded_word(corpus, quality, search_as):
    found = codes(search_as(quality, "auditoría -hallazgos"))
    assert corpus["auditoria"].code in found or found == []
    assert corpus["acciones"].code not in found


def test_field_filter_and_facets(corpus, quality, search_as):
    result = search_as(quality, "procedimiento estado:vigente")
    assert {h.state for h in result.hits} == {"effective"}
    chips = {f.value: f.count for f in result.facets["state"]}
    assert chips == {"effective": result.total}
    assert {f.value for f in result.facets["type"]} == {"PR"}
    assert result.facets["kind"][0].label == "Documentos"


def test_facet_chip_narrows(corpus, quality, search_as):
    everything = search_as(quality, "reestructuración OR procedimiento")
    drafts = search_as(quality, "reestructuración", filters={"state": ["draft"]})
    assert codes(drafts) == [corpus["borrador"].code]
    assert drafts.facets["state"][0].is_selected
    assert everything.total >= drafts.total


def test_sort_by_date_and_pagination(corpus, quality, search_as):
    first = search_as(quality, "procedimiento", per_page=1, page=1, sort="date")
    second = search_as(quality, "procedimiento", per_page=1, page=2, sort="date")
    assert first.total == second.total >= 2
    assert first.pages == first.total
    assert codes(first) != codes(second)


def test_snippet_is_highlighted(corpus, quality, search_as):
    hit = search_as(quality, "hallazgos")
    assert "<mark>Hallazgos</mark>" in str(hit.hits[0].snippet)


def test_result_opens_the_right_version(corpus, quality, search_as):
    hit = search_as(quality, "PR-GT-01").hits[0]
    assert hit.url.endswith("/PR-GT-01/v/1")
