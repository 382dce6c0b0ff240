"""Spanish analysis, query parsing and snippets: no application needed."""
import pytest

from qms.search.analyzer import SpanishAnalyzer, fold, words
from qms.search.query import Code, Phrase, Prefix, Word, looks_like_code, parse
from qms.search.snippets import highlight, snippet
from qms.search.writer import codekey


@pytest.mark.parametrize("group", [
    ["auditoria", "Auditorías", "AUDITORÍA", "auditorias", "auditoría"],
    ["capacitación", "capacitaciones", "CAPACITACION", "capacitacion"],
    ["acción", "acciones", "accion"],
    ["correctiva", "correctivas", "CORRECTIVA"],
    ["servicio", "servicios"],
    ["procedimiento", "procedimientos"],
    ["revisión", "revisiones", "revision"],
    ["política", "políticas", "politica"],
    ["región", "regiones", "region"],
    ["gestión", "gestion"],
    ["información", "informacion"],
    ["comité", "comites"],
])
def test_spellings_and_plurals_meet(group):
    """GIVEN forms of one word typed with and without accents, in singular and plural
    THEN they produce the same index term (the measured pitfall of the stock analyzer)."""
    assert len({tuple(words(w)) for w in group}) == 1, {w: words(w) for w in group}


def test_phrase_with_plural_meets_singular():
    assert words("acción correctiva") == words("acciones correctivas")


def test_stop_words_removed_and_folded():
    assert words("el control de los documentos y registros") == words("control documentos registros")
    assert words("más") == []


def test_codes_split_into_parts_and_fold_to_one_key():
    assert words("PR-GT-01") == ["pr", "gt", "01"]
    assert codekey("PR-GT-01") == codekey("pr-gt-01") == codekey("PRGT01") == "prgt01"


def test_fold():
    assert fold("Ñuble Ácido ÜE") == "nuble acido ue"


def test_whoosh_analyzer_matches_engine_neutral_words():
    text = "Las Auditorías internas del Servicio"
    assert [t.text for t in SpanishAnalyzer()(text)] == words(text)
    positions = [t.pos for t in SpanishAnalyzer()(text, positions=True)]
    assert positions == list(range(len(positions)))


@pytest.mark.parametrize("text", [
    '"unbalanced', "((( ]]] AND OR NOT", "*", "**", ":", "tipo:", "a:b:c", '""', "-", "\x00", "é" * 600,
    'titulo:"sin cierre', "¿qué? ¡sí!",
])
def test_malformed_syntax_never_raises(text):
    parsed = parse(text)
    assert isinstance(parsed.clauses, list)


def test_parse_recognises_each_construct():
    parsed = parse('"control de documentos" capacit* PR-GT-01 -obsoleto tipo:pr estado:vigente auditoría')
    assert Phrase("control de documentos") in parsed.clauses
    assert Prefix("capacit") in parsed.clauses
    assert Code("PR-GT-01") in parsed.clauses
    assert Word("auditoría") in parsed.clauses
    assert parsed.excluded == [Word("obsoleto")]
    assert parsed.filters == {"type": ["pr"], "state": ["vigente"]}


def test_unknown_field_is_plain_words():
    assert parse("foo:bar").clauses == [Word("foo"), Word("bar")]


@pytest.mark.parametrize("text,expected", [
    ("PR-GT-01", True), ("pr-gt-01", True), ("PRGT01", True), ("AUD-2026-03", True),
    ("auditoría", False), ("2026", False), ("procedimiento", False),
])
def test_looks_like_code(text, expected):
    assert looks_like_code(text) is expected


def test_snippet_marks_stemmed_matches_and_escapes_html():
    text = "Intro <script>alert(1)</script>. " + "relleno " * 60 + "Las AUDITORÍAS internas y la auditoria externa."
    out = str(snippet(text, set(words("auditoria"))))
    assert "<mark>AUDITORÍAS</mark>" in out and "<mark>auditoria</mark>" in out
    assert "<script>" not in out
    assert out.startswith("… ")


def test_highlight_title_and_prefix():
    assert str(highlight("Plan de capacitación", set(), ["capac"])) == "Plan de <mark>capacitación</mark>"
