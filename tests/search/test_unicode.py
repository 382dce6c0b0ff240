"""Text pasted in decomposed form (NFD: a letter, then its accent) is found like any other,
whether the query or the indexed text came that way."""
import unicodedata

import pytest

from qms.search.analyzer import words
from tests.search.conftest import codes

pytestmark = pytest.mark.usefixtures("search_backend")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_decomposed_words_are_whole_words():
    assert words(nfd("Auditoría de Gestión")) == words("Auditoría de Gestión") == ["auditor", "gestion"]


def test_decomposed_query_and_decomposed_content_are_found(corpus, make_doc, users, search_as):
    pasted = make_doc(nfd("Instrucción de evaluación de proveedores"), "effective",
                      sections={"objetivo": nfd("Evaluación anual de proveedores críticos.")})
    assert codes(search_as(users["staff"], nfd("auditorías internas")))[0] == corpus["auditoria"].code
    assert codes(search_as(users["staff"], "evaluación proveedores")) == [pasted.code]
    assert codes(search_as(users["staff"], nfd("críticos"))) == [pasted.code]
