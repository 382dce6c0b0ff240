"""Full-text search behind a small interface of its own.

Everything Whoosh-specific lives in this package, so the engine can be replaced by
touching nothing else. What other modules use:

* ``queue_index(kind, object_id)`` / ``queue_remove(kind, object_id)``: called by a
  service in the transaction that changes the object. The job row is committed with the
  change and applied to the index right after the commit (``qms.search.queue``).
* ``register_kind(Kind(...))``: each domain module describes what it indexes and who may
  see it (``qms.search.kinds``; ``qms/documents/indexing.py`` is the worked example).
* ``search(user, SearchRequest(...))``: the results a user may see (``qms.search.service``).
* ``qms search rebuild|check|sync|query`` (``qms.search.cli``).

Module map: ``analyzer`` (Spanish text analysis), ``schema`` (index fields and version),
``kinds`` (registry), ``store`` (index directory, generations, write lock),
``writer`` (applying documents to the index), ``queue`` (durable jobs and the
after-commit hook), ``query`` (user syntax to a query tree), ``engine`` (the Whoosh
searcher: compile, run, facets), ``snippets`` (highlights), ``fallback`` (database
search while the index is unusable), ``service`` (the one ``search`` entry point),
``views``, ``cli``.
"""
from __future__ import annotations


def queue_index(kind: str, object_id: int) -> None:
    """Queue (re)indexing of one object in the current transaction."""
    from qms.search.queue import enqueue
    from qms.search.models import ACTION_INDEX

    enqueue(kind, object_id, ACTION_INDEX)


def queue_remove(kind: str, object_id: int) -> None:
    """Queue removal of one object from the index in the current transaction."""
    from qms.search.queue import enqueue
    from qms.search.models import ACTION_REMOVE

    enqueue(kind, object_id, ACTION_REMOVE)
