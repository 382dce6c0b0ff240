"""Attack: numbers too large for the database in URLs, which answered 500 (OverflowError).

Every ``<int:...>`` route, with a value past what an INTEGER column holds (2^31 - 1 on
PostgreSQL; past 2^63 - 1 SQLite overflowed too), is a 404 (the app's ``int``
converter is bounded); every list page ignores a huge ``?page=``, ``?year=`` or id
filter. Generated from ``app.url_map``, as the access matrix is, so new routes are
covered; requested as the administrator and as the committee.
"""
import pytest
from werkzeug.routing import IntegerConverter

from qms.web import MAX_DB_INT, bounded_int
from tests.test_access_matrix import method_of, routes, sample_values

#: Past the database's integers; the largest one (its offsets and years overflow); a
#: number longer than ``int()`` reads.
HUGE = [str(MAX_DB_INT + 1), "99999999999999999999", str(MAX_DB_INT), "9" * 5000]
HUGE_IDS = [MAX_DB_INT + 1, 2**63, 10**20]
#: Query arguments read as numbers somewhere.
NUMERIC_ARGS = ("page", "year", "type", "process", "programa_item", "a", "b")


@pytest.mark.parametrize("role", ["admin", "quality"])
def test_huge_ids_in_paths_are_not_found(app, client, users, login, make_document, role):
    values = sample_values(app, users, make_document(state="effective"))
    login(role)
    checked = 0
    for rule in routes(app):
        numeric = [arg for arg, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        for arg, huge in ((arg, huge) for arg in numeric for huge in HUGE_IDS):
            path = rule.build({**{a: values[a] for a in rule.arguments}, arg: huge}, append_unknown=False)[1]
            response = client.open(path, method=method_of(rule))
            assert response.status_code == 404, f"{rule.endpoint} {path} answered {response.status_code}"
            checked += 1
    assert checked > 20
    assert client.get("/pendientes").status_code == 200  # still signed in: nothing went wrong on the way


@pytest.mark.parametrize("role", ["admin", "quality"])
def test_huge_numbers_in_query_strings_are_ignored(app, client, users, login, make_document, role):
    values = sample_values(app, users, make_document(state="effective"))
    login(role)
    query = "&".join(f"{name}={huge}" for name in NUMERIC_ARGS for huge in HUGE[1:2])
    for rule in routes(app):
        if "GET" not in rule.methods:
            continue
        path = rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        for huge in HUGE:
            response = client.get(f"{path}?{query.replace(HUGE[1], huge)}")
            response.close()  # a streamed export's file is released here
            assert response.status_code < 500, f"{rule.endpoint} answered {response.status_code} to ?{query[:60]}"


def test_the_bounded_parser():
    assert bounded_int("42") == 42 and bounded_int(" 7 ") == 7
    assert bounded_int(str(MAX_DB_INT)) == MAX_DB_INT
    assert bounded_int(str(MAX_DB_INT + 1)) is None and bounded_int("9" * 5000) is None
    assert bounded_int("x") is None and bounded_int(None) is None and bounded_int("") is None
    assert bounded_int("0", 1) is None and bounded_int("10000", 1, 9999) is None
