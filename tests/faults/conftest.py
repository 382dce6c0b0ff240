"""A site of its own for fault tests: a fresh database (SQLite file or a uniquely named
PostgreSQL database), built by the migrations as ``qms init`` does, served by gunicorn
with several workers, and an app context in the test process to prepare data and to
check integrity afterwards.

The test process must never hold a transaction while the site serves: on SQLite an
open transaction holds the write lock. ``Site.settle()`` ends it.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from qms import create_app
from qms.extensions import db
from tests.conftest import BACKENDS, PASSWORD, walk_to
from tests.faults.live import Client, Gunicorn

#: The people of the fault tests: username -> roles (two approvers race each other).
PEOPLE = {"quality": ["quality"], "author": ["author"], "reviewer": ["reviewer"], "approver": ["approver"],
          "approver2": ["approver"], "staff": ["staff"]}


@pytest.fixture(scope="session")
def race_count(request) -> int:
    """How many races of each kind (``--races N``; small by default so CI stays quick)."""
    return request.config.getoption("--races")


def _create_database(backend: str, folder) -> tuple[str, callable]:
    """Return a new database's URL and the function that drops it."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'qms.sqlite3'}", lambda: None
    base = make_url(os.environ["QMS_TEST_DATABASE_URL"])
    name = f"qms_faults_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@dataclass
class Site:
    """The served site and the test's own view of its database."""

    app: object
    server: Gunicorn
    user_ids: dict
    process_id: int
    clients: dict = field(default_factory=dict)

    @property
    def users(self) -> dict:
        """The people, loaded in the test's session (integrity checks may have emptied it)."""
        from qms.auth.models import User

        return {name: db.session.get(User, ident) for name, ident in self.user_ids.items()}

    @property
    def process(self):
        from qms.org.models import Process

        return db.session.get(Process, self.process_id)

    def client(self, username: str) -> Client:
        """Return ``username``'s browser, logged in (one per person, reused)."""
        if username not in self.clients:
            self.settle()
            self.clients[username] = Client(self.server.url).login(username, PASSWORD)
        return self.clients[username]

    def settle(self) -> None:
        """End the test's transaction so the site's workers may write."""
        db.session.commit()

    def document(self, state: str = "draft", title: str = "Procedimiento de carrera"):
        """Create a document through the services and walk its first version to ``state``."""
        from qms.documents import service
        from qms.documents.models import DocumentType

        users = self.users
        author = users["author"]
        doc_type = db.session.scalar(sa.select(DocumentType).where(DocumentType.code == "PR"))
        document = service.create_document(author, doc_type=doc_type, process=self.process, title=title)
        service.save_draft(author, document.versions[0], title=title, change_description="Primera versión.",
                           sections={"objetivo": "Objetivo inicial.", "alcance": "Todo el servicio."})
        # Two people write one draft only as co-authors: the committee names itself one.
        service.set_coauthors(users["quality"], document.versions[0], [users["quality"]])
        walk_to(document.versions[0], state, users)
        db.session.commit()
        return document

    def revision_due_today(self, title: str = "Procedimiento que entra en vigencia"):
        """Return a document in force whose next version is approved and due today (not yet effective)."""
        from qms.documents import service
        from qms.documents.models import DocumentVersion
        from qms.timeutil import today_local

        document = self.document("effective", title)
        users = self.users
        version = service.start_revision(users["author"], document)
        service.save_draft(users["author"], version, title=title, change_description="Segunda versión.",
                           sections={"objetivo": "Objetivo revisado.", "alcance": "Todo el servicio."})
        walk_to(version, "in_approval", users)
        service.apply_transition(users["approver"], version, "approve", password=PASSWORD,
                                 effective_date=today_local() + timedelta(days=1))
        db.session.commit()
        # The date arrives: what the calendar does overnight, done to the row directly.
        db.session.execute(sa.update(DocumentVersion).where(DocumentVersion.id == version.id)
                           .values(effective_date=today_local()))
        db.session.commit()
        return document


def start_site(backend: str, folder, workers: int = 4) -> tuple[Site, callable]:
    """Build a fresh site on ``backend`` and serve it; return it and the function that ends it."""
    from flask_migrate import upgrade

    from qms.auth import service as auth
    from qms.home.reference_data import load_reference_data
    from qms.org.models import Process

    url, drop = _create_database(backend, folder)
    paths = {"INSTANCE_PATH": folder / "instance", "STORAGE_PATH": folder / "storage", "INDEX_PATH": folder / "index"}
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "fault-tests", "SEARCH_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **{k: str(v) for k, v in paths.items()}})
    context = app.app_context()
    context.push()
    upgrade()  # the schema as `qms init` builds it: by the migrations
    load_reference_data()
    process = Process(code="GT", name="Gestión Territorial", kind="strategic")
    db.session.add(process)
    users = {name: auth.create_user(None, username=name, full_name=f"Persona {name.title()}", password=PASSWORD,
                                    roles=roles, position=f"Cargo {name}") for name, roles in PEOPLE.items()}
    db.session.commit()
    env = {"QMS_DATABASE_URL": url, "QMS_SECRET_KEY": "fault-tests", "QMS_TICK_INTERVAL_SECONDS": "0",
           **{f"QMS_{k}": str(v) for k, v in paths.items()}}
    server = Gunicorn(env, folder / "gunicorn.log", workers=workers).start()
    site = Site(app, server, {name: user.id for name, user in users.items()}, process.id)

    def stop():
        server.stop()
        db.session.remove()
        db.engine.dispose()
        context.pop()
        drop()

    return site, stop


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """A site served by gunicorn with 4 workers, shared by the tests of one module."""
    built, stop = start_site(request.param, tmp_path_factory.mktemp(f"site-{request.param}"))
    yield built
    stop()
