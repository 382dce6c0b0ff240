"""The backend-neutral pieces: code keys, suggestion ranking, phrase highlights, glossary rewriting."""
import pytest

from qms.search import codeforms, spelling
from qms.search.analyzer import words
from qms.search.expansion import Glossary, expand
from qms.search.query import AllWords, AnyOf, Code, Phrase, Word, parse
from qms.search.snippets import highlight, snippet

#: Typos staff make and the word they meant (folded, as the vocabulary holds it).
TYPOS = [
    ("evaluasion", "evaluacion"), ("auditorai", "auditoria"), ("procedimineto", "procedimiento"),
    ("capasitacion", "capacitacion"), ("reclamoss", "reclamos"), ("documetno", "documento"),
]
#: A vocabulary with the near misses that used to win ("queda" for "queja", "evacuacion").
VOCABULARY = {
    "evaluacion": 40, "evacuacion": 3, "auditoria": 60, "auditor": 30, "auditorias": 20,
    "procedimiento": 90, "procedimientos": 30, "capacitacion": 25, "reclamos": 12, "reclamo": 8,
    "documento": 70, "documentos": 80, "queda": 15,
}


@pytest.mark.parametrize("typed,meant", TYPOS)
def test_the_intended_word_ranks_first(typed, meant):
    assert spelling.rank(typed, VOCABULARY)[0] == meant


def test_swaps_count_as_one_edit_and_frequency_breaks_ties_only():
    assert spelling.distance("documetno", "documento") == 1
    assert spelling.distance("auditorai", "auditoria") == 1
    assert spelling.rank("evaluasion", {"evaluacion": 1, "evacuacion": 10_000})[0] == "evaluacion"
    assert spelling.rank("reclamoss", {"reclamos": 1}) == ["reclamos"]
    assert spelling.rank("reclamos", {"reclamos": 5}) == []  # not a typo


@pytest.mark.parametrize("code,typed", [
    ("PR-GT-01", "PR-GT-01"), ("PR-GT-01", "pr-gt-1"), ("PR-GT-01", "PRGT01"), ("PR-GT-01", "prgt1"),
    ("AUD-2026-02", "AUD-2026-2"), ("AUD-2026-02", "aud202602"), ("PNC-2026-007", "PNC-2026-7"),
])
def test_a_whole_code_meets_however_it_is_padded(code, typed):
    assert codeforms.query_keys(typed) & codeforms.exact_keys(code)


@pytest.mark.parametrize("code,typed", [
    ("PR-GT-01", "PR-GT"), ("PR-GT-01", "GT-01"), ("PR-GT-01", "gt-1"), ("PR-SGC-03", "SGC-03"),
    ("AUD-2026-02", "AUD-2026"),
])
def test_a_series_or_a_tail_meets_as_a_part(code, typed):
    assert codeforms.query_keys(typed) & codeforms.partial_keys(code)
    assert not codeforms.query_keys(typed) & codeforms.exact_keys(code)


@pytest.mark.parametrize("code,typed", [("PR-GT-01", "PR-GT-10"), ("PR-GT-01", "SGC-01"), ("AUD-2026-02", "2026-02")])
def test_other_codes_do_not_meet(code, typed):
    assert not codeforms.query_keys(typed) & (codeforms.exact_keys(code) | codeforms.partial_keys(code))


def test_series_and_starred_codes_parse_as_codes():
    assert parse("PR-GT").clauses == [Code("PR-GT")]
    assert parse("PR-GT*").clauses == [Code("PR-GT", is_prefix=True)]
    assert parse("AUD-2026*").clauses == [Code("AUD-2026", is_prefix=True)]
    assert parse("auditoría-interna").clauses != [Code("auditoría-interna")]


GLOSSARY = Glossary([["queja", "reclamo"], ["PAC", "Plan Anual de Capacitación"]])


def test_glossary_rewrites_words_runs_and_phrases():
    assert expand(parse("quejas"), GLOSSARY).clauses == [
        AnyOf(typed=Word("quejas"), options=(Word("quejas"), Word("reclamo")))]
    assert expand(parse("PAC 2026"), GLOSSARY).clauses[0].options == (Word("PAC"), Phrase("Plan Anual de Capacitación"))
    run = expand(parse("plan anual de capacitacion"), GLOSSARY).clauses
    assert run == [AnyOf(typed=AllWords("plan anual de capacitacion"),
                         options=(AllWords("plan anual de capacitacion"), Word("PAC")))]
    assert expand(parse("capacitación"), GLOSSARY).clauses == [Word("capacitación")]
    assert expand(parse("queja"), GLOSSARY).plain_words() == []  # no "¿quiso decir?" for it


def test_a_phrase_is_marked_whole_and_not_word_by_word():
    text = "Los documentos se archivan. El control de documentos lo lleva la unidad."
    out = str(snippet(text, set(), phrases=[tuple(words("control de documentos"))]))
    assert "<mark>control de documentos</mark>" in out
    assert "<mark>documentos</mark>" not in out and out.count("<mark>") == 1
    title = str(highlight("Plan Anual de Capacitación 2026", set(words("2026")),
                          phrases=[tuple(words("plan anual de capacitación"))]))
    assert title == "<mark>Plan Anual de Capacitación</mark> <mark>2026</mark>"


def test_a_snippet_never_shows_the_metadata():
    from qms.search.kinds import Entry

    entry = Entry(kind="document", object_id=1, title="t", body="Contenido del procedimiento.",
                  meta="Procedimiento · Gestión Territorial")
    assert "Gestión Territorial" in entry.indexed_body
    out = str(snippet(entry.indexed_body, set(words("territorial"))))
    assert out == "Contenido del procedimiento."
