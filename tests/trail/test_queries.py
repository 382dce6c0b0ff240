"""A trail page costs a bounded number of queries: count, rows, and one load per object
type on the page, however many rows and objects it shows."""
from __future__ import annotations

import contextlib

from sqlalchemy import event

from qms.extensions import db
from qms.trail import registry
from qms.trail import service as trail
from tests.trail.conftest import TOUCHED


@contextlib.contextmanager
def counting():
    """Count the statements sent to the database inside the block."""
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def _statements_for(client, url: str) -> int:
    db.session.commit()  # start both measurements alike: nothing loaded yet
    with counting() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_more_rows_on_a_page_cost_no_more_queries(signed_in, one_of_each, superuser, make_record, users):
    client = signed_in("todopoder")
    url = f"/bitacora/?action={TOUCHED}"
    few = _statements_for(client, url)
    for i in range(30):
        record = make_record(title=f"Informe {i}")
        trail.record(users["quality"], TOUCHED, "record", record.id, f"etiqueta record {i}")
    db.session.commit()
    assert _statements_for(client, url) == few
    # Signing-in bookkeeping, the count and the rows, and at most three per type shown.
    assert few <= 8 + 3 * len(registry.registered())
