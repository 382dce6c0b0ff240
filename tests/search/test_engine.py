"""Engine internals that the speed work relies on: bitsets, phrase paths, caches, snippets."""
from __future__ import annotations

import pytest

from qms.extensions import db
from qms.search import engine, maintenance, store, writer
from qms.search.analyzer import common_pairs, words
from qms.search.schema import CompactPositions
from qms.search.snippets import _matches, _matches_slow
from tests.search.conftest import codes


def test_bitset_helpers_round_trip():
    docs = [0, 1, 7, 8, 63, 64, 1000, 4097]
    bits = engine.to_bits(docs)
    assert list(engine.iter_bits(bits)) == docs
    assert bits.bit_count() == len(docs)
    assert engine.top_bits(bits, 3) == [4097, 1000, 64]
    assert engine.to_bits([]) == 0 and list(engine.iter_bits(0)) == []


def test_compact_positions_round_trip():
    fmt = CompactPositions()
    for positions in ([0], [3, 4, 90], [0, 70_000, 70_001]):
        value = fmt.encode(positions)
        assert fmt.decode_positions(value) == positions
        assert fmt.decode_frequency(value) == len(positions)


def test_common_pairs_skip_stop_words_like_positions():
    common = frozenset(words("sistema gestión calidad"))
    assert common_pairs("Sistema de Gestión de la Calidad", common) == {
        "sistem_gestion", "gestion_calid"}
    assert common_pairs("gestión territorial", common) == set()  # "territorial" is not common


@pytest.mark.parametrize("text,stems,prefixes", [
    ("La AUDITORÍA interna y las auditorías externas; auditoria_x", "auditoría", []),
    ("Capacitación, capacitaciones y CAPACITACION del año", "capacitacion año", ["capac"]),
    ("Competencia y competencias del ciencias PR-GT-01", "competencias pr-gt-01", []),
    ("Ñandú niño NIÑOS über Über", "niño über", ["nan"]),
])
def test_fast_snippet_matching_equals_the_word_by_word_walk(text, stems, prefixes):
    stems = set(words(stems))
    assert _matches(text, stems, prefixes, 1000) == _matches_slow(text, stems, prefixes, 1000)


@pytest.fixture
def quality(users):
    return users["quality"]


@pytest.mark.parametrize("common_stems", [60, 0])
def test_phrases_are_exact_with_and_without_common_grams(app, make_doc, quality, search_as,
                                                         monkeypatch, common_stems):
    """GIVEN an index whose generation indexes pairs of common stems (or none)
    THEN two- and three-word phrases find exactly the documents with the words side by side."""
    monkeypatch.setattr(writer, "COMMON_STEMS", common_stems)
    side = make_doc("Control de documentos y registros", "effective",
                    sections={"objetivo": "Establecer el control de documentos y registros."})
    apart = make_doc("Registros del control", "effective",
                     sections={"objetivo": "Documentos y registros bajo control del comité."})
    db.session.commit()
    maintenance.rebuild(wait=5)
    gen = store.current_generation(store.root_path(app))
    assert bool(store.common_stems(gen)) == bool(common_stems)
    assert codes(search_as(quality, '"control de documentos"')) == [side.code]
    assert set(codes(search_as(quality, '"documentos y registros"'))) == {side.code, apart.code}
    assert codes(search_as(quality, '"control de documentos y registros"')) == [side.code]
    assert codes(search_as(quality, '"registros del control"')) == [apart.code]  # its title
    assert codes(search_as(quality, '"control registros"')) == []


def test_segment_caches_survive_a_commit_and_see_it(app, corpus, make_doc, quality, search_as):
    """GIVEN a searcher that has cached posting bitsets
    WHEN another entry is committed (a new segment)
    THEN the next search refreshes, keeps the unchanged segments' caches and finds the entry."""
    before = search_as(quality, "procedimiento").total
    root = store.root_path(app)
    h = engine.holder(root)
    cached_segments = h.segcache.segments()
    assert cached_segments
    make_doc("Procedimiento de inventario", "effective")
    after = search_as(quality, "procedimiento")
    assert after.total == before + 1
    h = engine.holder(root)
    assert cached_segments & h.segcache.segments()  # old segments kept their caches


def test_merge_segments_reduces_request_segments(app, corpus, make_doc):
    for i in range(3):
        make_doc(f"Instructivo {i}", "effective")
    gen = store.current_generation(store.root_path(app))
    ix = store.open_index(gen)
    try:
        segments_before = len(ix._segments())
    finally:
        ix.close()
    assert segments_before > 1
    assert maintenance.merge_segments(wait=5) < segments_before


def test_refreshed_searcher_sees_deletions_of_reused_segments(tmp_path):
    """GIVEN a searcher open on an index
    WHEN another writer updates entries that live in an older segment
    THEN the refreshed searcher no longer finds their old text (Whoosh reuses the old
    segment's reader, with its old deletion set, on ``refresh()``)."""
    from qms.search.kinds import PUBLIC, Entry
    from qms.search.query import parse

    root = tmp_path / "index"
    gen, ix = store.new_generation(root)
    with writer.open_writer(ix, bulk=True) as w:
        writer.add_bulk(w, [Entry(kind="document", object_id=i, title=f"alfa {i}", body="beta")
                            for i in range(10)])
    ix.close()
    store.mark_complete(gen, common=[])
    store.swap_in(root, gen)

    def total(text):
        return engine.run(root, parse(text), {PUBLIC}, filters={}, include_archived=False,
                          offset=0, limit=20).total

    try:
        assert total("alfa") == 10
        for i in range(3):
            ix = store.open_index(gen)
            with writer.open_writer(ix) as w:
                writer.write(w, {f"document:{i}": Entry(kind="document", object_id=i, title="omega")})
            ix.close()
            assert (total("alfa"), total("omega")) == (9 - i, i + 1)
    finally:
        engine.close_all()
