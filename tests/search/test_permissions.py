"""A result the user may not open is never shown, counted, snippeted or suggested."""
import pytest

from qms.extensions import db
from tests.search.conftest import codes

pytestmark = pytest.mark.usefixtures("search_backend")

DRAFT_READERS = {"quality", "author", "reviewer", "approver", "auditor"}


@pytest.mark.parametrize("role", ["quality", "author", "reviewer", "approver", "auditor", "staff", "admin"])
def test_drafts_only_for_those_who_read_drafts(corpus, users, search_as, role):
    result = search_as(users[role], "reestructuración")
    if role in DRAFT_READERS:
        assert codes(result) == [corpus["borrador"].code]
    else:
        assert result.total == 0 and result.hits == []
        assert all(not values for values in result.facets.values())


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_draft_counts_never_leak_into_facets(corpus, users, search_as, role):
    result = search_as(users[role], "procedimiento", include_archived=True)
    assert "draft" not in {f.value for f in result.facets["state"]}
    assert sum(f.count for f in result.facets["kind"]) == result.total
    assert corpus["borrador"].code not in codes(result)


def test_suggestion_never_comes_from_an_invisible_draft(corpus, users, search_as):
    """"zanahoria" appears only in the draft: staff get no "¿Quiso decir?" for it."""
    assert search_as(users["quality"], "zanahorio").suggestion == "zanahoria"
    assert search_as(users["staff"], "zanahorio").suggestion is None


def test_staff_see_obsolete_only_when_asked(make_doc, users, search_as):
    make_doc("Instructivo de archivo antiguo", "obsolete")
    make_doc("Instructivo de archivo vigente", "effective")
    default = search_as(users["staff"], "instructivo archivo")
    assert [h.state for h in default.hits] == ["effective"]
    archived = search_as(users["staff"], "instructivo archivo", include_archived=True)
    assert sorted(h.state for h in archived.hits) == ["effective", "obsolete"]
    assert [h.is_archived for h in archived.hits if h.state == "obsolete"] == [True]


def test_anonymous_sees_nothing(corpus, search_as):
    from flask_login import AnonymousUserMixin

    assert search_as(AnonymousUserMixin(), "procedimiento").total == 0


def test_stale_index_entry_is_not_shown(corpus, users, search_as, app):
    """GIVEN an effective version turned back into a draft without reindexing (drift)
    THEN staff do not see it even though the index still says "all"."""
    version = corpus["control"].versions[0]
    db.session.execute(
        db.text("UPDATE document_versions SET state = 'draft' WHERE id = :id"), {"id": version.id}
    )
    db.session.commit()
    db.session.expire_all()
    assert corpus["control"].code not in codes(search_as(users["staff"], "control documentos"))
