"""A trail page costs a bounded number of queries: count, rows, and one load per object
type on the page, however many rows and objects it shows."""
from __future__ import annotations

from qms.extensions import db
from qms.trail import registry
from qms.trail import service as trail
from tests.statements import statements_for
from tests.trail.conftest import TOUCHED


def test_more_rows_on_a_page_cost_no_more_queries(signed_in, one_of_each, superuser, make_record, users):
    client = signed_in("todopoder")
    url = f"/bitacora/?action={TOUCHED}"
    few = statements_for(client, url)
    for i in range(30):
        record = make_record(title=f"Informe {i}")
        trail.record(users["quality"], TOUCHED, "record", record.id, f"etiqueta record {i}")
    db.session.commit()
    # No more than before: the new rows may push another type's entries off the page (one
    # load fewer), never add a query per row.
    assert statements_for(client, url) <= few
    # Signing-in bookkeeping, the count and the rows, and at most three per type shown.
    assert few <= 8 + 3 * len(registry.registered())
