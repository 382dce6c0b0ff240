"""The relevance suite's fixtures: the backend under test and the judged corpus.

``search_backend`` names the engine that answers; every judgment runs once per name.
Today only "whoosh"; a second backend adds its name to ``BACKENDS`` and reads
``SEARCH_BACKEND`` from the app's config.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

BACKENDS = ["whoosh"]
JUDGMENTS = yaml.safe_load((Path(__file__).parent / "judgments.yaml").read_text(encoding="utf-8"))


@pytest.fixture(params=BACKENDS)
def search_backend(request):
    return request.param


@pytest.fixture
def app_overrides(search_backend):
    return {"SEARCH_BACKEND": search_backend}


@pytest.fixture
def judged_corpus(app, users, process, make_doc):
    """Build the corpus through the services; return key -> uid and uid -> key."""
    from tests.search.relevance import corpus

    def make_doc_in(owner, title, sections, state="effective"):
        return make_doc(title, state, sections=sections, in_process=owner)

    uids = corpus.build(users, process, make_doc_in)
    return uids, {uid: key for key, uid in uids.items()}
