"""Fixtures of the backup tests: a fresh target database per test, and the PostgreSQL tools."""
from __future__ import annotations

import pytest
import sqlalchemy as sa


@pytest.fixture
def pg_tools(database_url):
    """Skip, with the reason, a PostgreSQL run only when pg_dump or pg_restore is not installed."""
    if database_url.startswith("postgresql"):
        from qms.backup.database import find_tool
        from qms.backup.manifest import BackupError

        engine = sa.create_engine(database_url)
        try:
            with engine.connect() as conn:
                major = int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000
            for tool in ("pg_dump", "pg_restore"):
                find_tool(tool, major)
        except BackupError as missing:
            pytest.skip(f"sin herramientas de PostgreSQL para respaldar: {missing}")
        finally:
            engine.dispose()


@pytest.fixture
def fresh_database_url(database_url, tmp_path, pg_tools):
    """An empty database of the same engine: a new SQLite file, or a new PostgreSQL database (dropped after)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'qms.sqlite3'}"
        return
    from tests.conftest import private_database

    with private_database(database_url, "qms_restore") as url:
        yield url


@pytest.fixture
def target_app(fresh_database_url, tmp_path):
    """A second application on the fresh database and an instance folder of its own."""
    from qms.extensions import db
    from tests.conftest import make_app

    folder = tmp_path / "restored"
    folder.mkdir(exist_ok=True)
    application = make_app(fresh_database_url, folder)
    yield application
    with application.app_context():
        db.engine.dispose()
