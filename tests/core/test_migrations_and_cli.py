"""Alembic migrations match the models; the CLI initialises, loads the demo and lists."""
import json

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from qms.extensions import db


@pytest.fixture
def empty_db(app):
    """The test database with every table dropped, as on a fresh install."""
    db.session.commit()
    with db.engine.begin() as conn:
        db.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    yield
    from tests.conftest import _schema_ready

    _schema_ready.clear()  # the next test recreates the schema from the models


def test_migrations_build_exactly_the_models(app, empty_db):
    from flask_migrate import upgrade

    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
    assert diff == [], f"the models differ from the migrations: {diff}"


def test_init_twice_is_harmless(app, empty_db):
    from qms.cli import init_command
    from qms.org.models import Region

    runner = app.test_cli_runner()
    first = runner.invoke(init_command)
    assert first.exit_code == 0, first.output
    second = runner.invoke(init_command)
    assert second.exit_code == 0, second.output
    assert "regions=0" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 16
    # The planner has statistics from the start (on SQLite they exist only after ANALYZE).
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(sa.text("SELECT count(*) FROM sqlite_stat1")).scalar() > 0
    else:
        assert db.session.execute(sa.text(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'regions'")).scalar() is not None


def test_demo_loads_once_and_lists_its_register(app):
    from qms.cli import demo_command, docs_list

    runner = app.test_cli_runner()
    result = runner.invoke(demo_command)
    assert result.exit_code == 0, result.output
    assert "calidad" in result.output and "jefa" in result.output
    again = runner.invoke(demo_command)
    assert "ya estaba cargada" in again.output
    listing = json.loads(runner.invoke(docs_list, ["--json"]).output)
    by_title = {row["title"]: row for row in listing}
    assert len(listing) >= 12
    assert all(row["code"] and row["type"] and row["process"] for row in listing)
    states = {row["state"] for row in listing}
    assert {"effective", "draft", "in_review", "returned"} <= states
    assert any(row["effective_version"] == 2 for row in by_title.values())


def test_users_create_from_the_command_line(app):
    from qms.cli import users_create

    runner = app.test_cli_runner()
    result = runner.invoke(users_create, ["mrojas", "--name", "María Rojas", "--role", "quality", "--role", "author",
                                          "--password", "una-clave-larga"])
    assert result.exit_code == 0, result.output
    assert "quality" in result.output and "author" in result.output
    bad = runner.invoke(users_create, ["mrojas", "--name", "Otra", "--role", "staff", "--password", "una-clave-larga"])
    assert bad.exit_code != 0 and "no se reutilizan" in bad.output


def test_glossary_migration_gives_the_quality_role_its_permission(app, empty_db):
    """GIVEN an installation made before the glossary, whose quality role lacks the
    permission WHEN it is migrated THEN the role may keep the glossary, and no other role may."""
    from flask_migrate import upgrade

    upgrade(revision="e19a4c0d7b31")  # the revision before the glossary's
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO roles (name, label, permissions) VALUES "
                             "('quality', 'Calidad', '[\"capa.manage\"]'), ('staff', 'Funcionario', '[]')"))
    upgrade(revision="e3f1a9c2b7d4")
    with db.engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT name, permissions FROM roles")).all())
    as_list = {name: (json.loads(p) if isinstance(p, str) else p) for name, p in rows.items()}
    assert as_list == {"quality": ["capa.manage", "glossary.manage"], "staff": []}
