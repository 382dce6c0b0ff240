"""Full-text search behind a small interface of its own.

Everything Whoosh-specific lives in this package, so the engine can be replaced by
touching nothing else. What other modules use:

* ``queue_index(kind, object_id)`` / ``queue_remove(kind, object_id)``: called by a
  service in the transaction that changes the object. With Whoosh the job row is
  committed with the change and applied to the index right after the commit
  (``qms.search.queue``); with PostgreSQL the search row itself is written by that
  commit (``qms.search.pg_writer``). ``qms.search.backends`` says which is in use.
* ``register_kind(Kind(...))``: each domain module describes what it indexes and who may
  see it (``qms.search.kinds``; ``qms/documents/indexing.py`` is the worked example).
* ``search(user, SearchRequest(...))``: the results a user may see (``qms.search.service``).
* ``qms search rebuild|check|sync|query`` (``qms.search.cli``).

Module map, lowest first: ``analyzer`` (Spanish text analysis), ``codeforms`` (what a
code is indexed and looked up as), ``spelling`` (ranking suggestions), ``timing`` (dates as
day numbers), ``schema`` (index fields and version), ``models`` (the job table and the
glossary),
``kinds`` (registry), ``store`` (index directory, generations,
write lock), ``writer`` (applying documents to the index), ``query`` (user syntax to a
query tree), ``sessions`` (setting the caller's transaction aside), ``build`` (a whole
generation from the database), ``queue`` (durable jobs and the after-commit hook),
``maintenance`` (rebuild, check, fix), ``expansion`` (a query rewritten with the
glossary), ``glossary`` (its service and seed), ``trail_objects``. The Whoosh searcher:
``bitsets`` (document sets as ints), ``postings`` (block-level reads), ``segcache`` (per-segment caches),
``searcher`` (one open searcher per process), ``matching`` (clauses to document sets),
``facets`` (chips as filters and counts), ``ranking`` (BM25 for one page, or by date),
``engine`` (``run``, the entry the service calls). Then ``snippets`` (highlights),
``service`` (the one ``search`` entry point, with the database fallback while the index
is unusable), ``views``, ``glossary_views``, ``cli``. What any backend reuses is listed
in ARCHITECTURE.md ("What every search backend shares").
"""
from __future__ import annotations


def _enqueue(kind: str, object_id: int, action: str) -> None:
    from qms.search.backends import is_postgres

    if is_postgres():
        from qms.search.pg_writer import enqueue  # the row is written by this transaction's commit
    else:
        from qms.search.queue import enqueue
    enqueue(kind, object_id, action)


def queue_index(kind: str, object_id: int) -> None:
    """Queue (re)indexing of one object in the current transaction."""
    from qms.search.models import ACTION_INDEX

    _enqueue(kind, object_id, ACTION_INDEX)


def queue_remove(kind: str, object_id: int) -> None:
    """Queue removal of one object from the index in the current transaction."""
    from qms.search.models import ACTION_REMOVE

    _enqueue(kind, object_id, ACTION_REMOVE)
