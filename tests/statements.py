"""Count the SQL statements a block or a page sends: the guard of every list against N+1."""
from __future__ import annotations

import contextlib

from sqlalchemy import event

from qms.extensions import db


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


def statements_for(client, url: str) -> int:
    """Return how many statements one GET of ``url`` costs (it must answer 200)."""
    db.session.commit()  # start every measurement alike: nothing loaded yet
    with counting() as statements:
        response = client.get(url)
        response.close()  # a streamed body (an export's file) is read and closed inside the count
        assert response.status_code == 200, (url, response.status_code)
    return len(statements)
