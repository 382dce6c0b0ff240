"""Threads of one worker (gunicorn ``gthread``) share a process's searcher and caches:
searching from several threads while the index gains segments never fails."""
from __future__ import annotations

import threading

from qms.extensions import db
from qms.search import engine, store
from qms.search.kinds import user_tokens
from qms.search.query import parse
from qms.search.queue import sync


def test_searches_from_many_threads_while_the_index_changes(app, corpus, users, make_doc, search_as):
    search_as(users["staff"], "procedimiento")  # the index exists and this process holds it
    root, tokens = store.root_path(), user_tokens(users["staff"])
    queries = [parse(text) for text in ("procedimiento", "auditoría interna", "capac*", "\"control de documentos\"")]
    errors, stop = [], threading.Event()

    def searching():
        while not stop.is_set():
            for parsed in queries:
                try:
                    engine.run(root, parsed, tokens, filters={}, include_archived=False, offset=0, limit=10)
                except Exception as exc:  # noqa: BLE001 - what the test looks for
                    errors.append(repr(exc))

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for n in range(12):  # each commit adds a segment: every holder refreshes under the searches
            make_doc(f"Procedimiento de prueba concurrente {n}", "effective")
            sync()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    found = engine.run(root, parse("concurrente"), tokens, filters={}, include_archived=False, offset=0, limit=50)
    assert found.total == 12
    db.session.rollback()
