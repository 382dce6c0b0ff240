"""The relevance suite's fixtures: the judged corpus.

The backend under test is ``tests/search/conftest.py``'s ``search_backend``: every
judgment runs on Whoosh and, on a PostgreSQL test database, on PostgreSQL full-text search.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

JUDGMENTS = yaml.safe_load((Path(__file__).parent / "judgments.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def judged_corpus(app, users, process, make_doc):
    """Build the corpus through the services; return key -> uid and uid -> key."""
    from tests.search.relevance import corpus

    def make_doc_in(owner, title, sections, state="effective"):
        return make_doc(title, state, sections=sections, in_process=owner)

    uids = corpus.build(users, process, make_doc_in)
    return uids, {uid: key for key, uid in uids.items()}
