"""Fixtures for search tests: a small Spanish corpus and a search helper."""
from __future__ import annotations

import pytest

from qms.extensions import db


def _backends() -> list[str]:
    from tests.conftest import BACKENDS

    return ["whoosh"] + (["postgres"] if "postgresql" in BACKENDS else [])


def pytest_collection_modifyitems(config, items):
    """Leave out the one impossible pairing, the PostgreSQL backend on a SQLite database."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        impossible = params.get("search_backend") == "postgres" and params.get("database_url") == "sqlite"
        (dropped if impossible else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=_backends())
def search_backend(request, database_url):
    """The search backend a test runs on: ``whoosh`` always, ``postgres`` on a PostgreSQL test database.

    A test (or module, ``pytest.mark.usefixtures("search_backend")``) that asks for it runs
    on each; every other search test runs on Whoosh, the backend its internals are about.
    """
    if request.param == "postgres" and not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL database")
    return request.param


@pytest.fixture(autouse=True)
def _choose_search_backend(request):
    """Point the app at the test's backend before anything is indexed."""
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    wanted = request.getfixturevalue("search_backend") if "search_backend" in request.fixturenames else "whoosh"
    app.config["SEARCH_BACKEND"] = wanted


@pytest.fixture(autouse=True)
def _close_searchers():
    """Close this process's searchers after each test (each test has its own index)."""
    yield
    from qms.search import engine

    engine.close_all()


@pytest.fixture
def search_as(app):
    """Return ``run(user, text, **request_fields) -> SearchResult``."""
    from qms.search.service import SearchRequest, search

    def run(user, text, **kwargs):
        with app.test_request_context():
            return search(user, SearchRequest(text=text, **kwargs))

    return run


def codes(result) -> list[str]:
    return [h.code for h in result.hits]


SECTIONS = {
    "auditoria": {
        "objetivo": "Planificar y ejecutar las **auditorías internas** de calidad del Servicio.",
        "alcance": "Aplica a todos los procesos del sistema de gestión de la calidad, en el nivel central y regional.",
        "descripcion": "El equipo auditor verifica el cumplimiento de la norma ISO 9001:2015 y registra los hallazgos.",
    },
    "capacitacion": {
        "objetivo": "Gestionar la capacitación de funcionarios y funcionarias.",
        "alcance": "Capacitaciones internas y externas, con enfoque de género.",
        "descripcion": "Detectar necesidades, planificar el programa anual y evaluar su eficacia.",
    },
    "acciones": {
        "objetivo": "Tratar las no conformidades mediante acciones correctivas.",
        "alcance": "Hallazgos de auditoría, reclamos SIAC y productos no conformes.",
        "descripcion": "Analizar la causa raíz con 5 porqués e implementar el plan de acción.",
    },
    "control": {
        "objetivo": "Establecer el control de documentos y registros del sistema.",
        "alcance": "Documentos internos y externos.",
        "descripcion": "Elaborar, revisar, aprobar y distribuir los documentos vigentes.",
    },
}


@pytest.fixture
def make_doc(app, users, process):
    """Create a document through the service and put its version in ``state``.

    The state is set directly (not through the workflow) so search tests do not depend on
    Word generation; the version is queued for indexing as the service does.
    """
    import sqlalchemy as sa

    from qms import search
    from qms.documents import service
    from qms.documents.models import DocumentType
    from qms.timeutil import today_local

    def factory(title, state="draft", sections=None, type_code="PR", regions=(), in_process=None):
        author = users["author"]
        doc_type = db.session.scalar(sa.select(DocumentType).where(DocumentType.code == type_code))
        document = service.create_document(author, doc_type=doc_type, process=in_process or process, title=title,
                                           regions=regions)
        version = document.versions[0]
        service.save_draft(author, version, title=title, sections=sections or {"objetivo": title},
                           change_description="Primera versión.")
        if state != "draft":
            version.state = state
            if state in ("effective", "obsolete"):
                version.effective_date = today_local()
            search.queue_index("document", version.id)
        db.session.commit()
        return document

    return factory


@pytest.fixture
def corpus(make_doc):
    """Four effective procedures, one draft and one obsolete-to-be document."""
    docs = {
        "auditoria": make_doc("Procedimiento de auditorías internas", "effective", sections=SECTIONS["auditoria"]),
        "capacitacion": make_doc("Procedimiento de capacitación", "effective", sections=SECTIONS["capacitacion"]),
        "acciones": make_doc("Acción correctiva y preventiva", "effective", sections=SECTIONS["acciones"]),
        "control": make_doc("Control de documentos", "effective", sections=SECTIONS["control"]),
        "borrador": make_doc(
            "Borrador confidencial de reestructuración", "draft",
            sections={"objetivo": "Reestructuración zanahoria del departamento."},
        ),
    }
    db.session.commit()
    return docs
