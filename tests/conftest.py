"""Shared fixtures: an app per test on SQLite (and PostgreSQL when configured), users
per role, a logged-in client, and a document factory that goes through the services.

Set ``QMS_TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
to run every database test on PostgreSQL too; a private database is created for the run.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from qms import create_app
from qms.extensions import db

PASSWORD = "clave-de-prueba-1"
ROLES = ("quality", "author", "reviewer", "approver", "auditor", "staff", "admin")


def pytest_addoption(parser):
    parser.addoption("--races", type=int, default=30,
                     help="how many races of each kind the fault suite (tests/faults) runs")


@pytest.fixture(scope="session", autouse=True)
def _one_pdf_converter(tmp_path_factory):
    """One LibreOffice converter per test process (not one per test's instance), stopped at the end."""
    previous = os.environ.get("QMS_PDF_CONVERTER_PATH")
    os.environ["QMS_PDF_CONVERTER_PATH"] = str(tmp_path_factory.mktemp("pdf_converter"))
    yield
    from qms.docgen import pdf

    pdf.stop_started()
    if previous is None:
        os.environ.pop("QMS_PDF_CONVERTER_PATH", None)
    else:
        os.environ["QMS_PDF_CONVERTER_PATH"] = previous


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("QMS_TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """Yield a database URL for the whole run: a SQLite file, or a private PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    with private_database(os.environ["QMS_TEST_DATABASE_URL"], "qms_test") as url:
        yield url


@contextmanager
def private_database(server_url: str, prefix: str):
    """Create a PostgreSQL database with a unique name on ``server_url``'s server; drop it after."""
    base = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


_schema_ready: set[str] = set()


def _reset_database(url: str) -> None:
    """Create the schema once per database, then empty every table before each test."""
    if url not in _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready.add(url)
        return
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())


def make_app(database_url: str, tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "STORAGE_PATH": str(tmp_path / "storage"),
        "INDEX_PATH": str(tmp_path / "index"),
        "WTF_CSRF_ENABLED": False,
        # Fast hashing keeps the suite quick; production uses argon2id (qms.auth.hashing).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return create_app(config)


class BufferedClient(FlaskClient):
    """A test client that reads every body whole and closes it, as a browser would.

    A streamed response (an export's temporary file) left unread keeps its file open
    until the garbage collector finds it, and the warning fails an unrelated test.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app_overrides():
    """Override to change settings for one test module."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_overrides):
    from qms.home.reference_data import load_reference_data

    application = make_app(database_url, tmp_path, **app_overrides)

    def _forget_previous_user():
        # The test keeps one app context open across requests, so ``g`` would carry
        # the previous request's user; production has a fresh context per request.
        from flask import g

        g.pop("_login_user", None)

    application.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_user)
    application.test_client_class = BufferedClient

    with application.app_context():
        _reset_database(database_url)
        load_reference_data()
        db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def process(app):
    from qms.org.models import Process

    proc = Process(code="GT", name="Gestión Territorial", kind="strategic")
    db.session.add(proc)
    db.session.commit()
    return proc


@pytest.fixture
def users(app):
    """One user per default role, named after it (``quality``, ``author``, ...)."""
    from qms.auth import service

    created = {
        role: service.create_user(None, username=role, full_name=f"Persona {role.title()}", password=PASSWORD,
                                  roles=[role], position=f"Cargo {role}")
        for role in ROLES
    }
    db.session.commit()
    return created


@pytest.fixture
def login(client):
    """Log ``client`` in as ``username``; return the response of the login POST."""

    def do_login(username: str, password: str = PASSWORD, target=None):
        target = target or client
        return target.post("/ingresar", data={"username": username, "password": password})

    return do_login


@pytest.fixture
def make_document(app, users, process):
    """Create a document through the service, optionally walking it to a state."""
    from qms.documents import service
    from qms.documents.models import DocumentType

    def factory(title="Procedimiento de prueba", state="draft", type_code="PR", sections=None, author=None):
        author = author or users["author"]
        doc_type = db.session.scalar(sa.select(DocumentType).where(DocumentType.code == type_code))
        document = service.create_document(author, doc_type=doc_type, process=process, title=title)
        version = document.versions[0]
        service.save_draft(author, version, title=title,
                           sections=sections or {"objetivo": "Establecer el **control** de los documentos.",
                                                 "alcance": "- Nivel central\n- Direcciones regionales"},
                           change_description="Primera versión.")
        walk_to(version, state, users)
        db.session.commit()
        return document

    return factory


def walk_to(version, state: str, users) -> None:
    """Move ``version`` through the workflow until it reaches ``state``."""
    from qms.documents import service

    steps = {
        "draft": [],
        "in_review": [("author", "submit")],
        "returned": [("author", "submit"), ("reviewer", "return_review")],
        "in_approval": [("author", "submit"), ("reviewer", "pass_review")],
        "effective": [("author", "submit"), ("reviewer", "pass_review"), ("approver", "approve")],
        "withdrawn": [("quality", "withdraw")],
    }[state]
    for role, name in steps:
        comment = "Observación de prueba." if name in ("return_review", "withdraw") else ""
        service.apply_transition(users[role], version, name, password=PASSWORD, comment=comment)
