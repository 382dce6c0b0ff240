"""Settings, the embedded database's behaviour and the secret key."""
import threading
import time

import pytest
import sqlalchemy as sa

from qms import create_app
from qms.config import build_config
from qms.extensions import db


def test_defaults_live_under_the_instance_folder(tmp_path, monkeypatch):
    for name in ("QMS_DATABASE_URL", "QMS_SECRET_KEY", "QMS_STORAGE_PATH", "QMS_INDEX_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QMS_INSTANCE_PATH", str(tmp_path / "inst"))
    config = build_config()
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'qms.sqlite3'}"
    assert config["STORAGE_PATH"] == str(tmp_path / "inst" / "storage")
    assert config["INDEX_PATH"] == str(tmp_path / "inst" / "index")
    assert config["IDLE_TIMEOUT_MINUTES"] == 30 and config["SEGREGATION_OF_DUTIES"] is True


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("QMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QMS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("QMS_IDLE_TIMEOUT_MINUTES", "45")
    monkeypatch.setenv("QMS_SEGREGATION_OF_DUTIES", "no")
    config = build_config()
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["IDLE_TIMEOUT_MINUTES"] == 45 and config["SEGREGATION_OF_DUTIES"] is False


@pytest.mark.parametrize("setting, file_name, variable", [
    ("SECRET_KEY", "secret_key", "QMS_SECRET_KEY"),
    ("TRAIL_KEY", "trail_key", "QMS_TRAIL_KEY"),  # the trail's HMAC key, kept outside the database
])
def test_keys_are_generated_once_and_shared(tmp_path, monkeypatch, setting, file_name, variable):
    monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("QMS_INSTANCE_PATH", str(tmp_path))
    first, second = build_config()[setting], build_config()[setting]
    assert first == second and len(first) == 64
    assert (tmp_path / file_name).stat().st_mode & 0o077 == 0
    monkeypatch.setenv(variable, "desde-el-entorno")
    assert build_config()[setting] == "desde-el-entorno"


def _sqlite_app(tmp_path):
    return create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


def test_sqlite_pragmas(tmp_path):
    app = _sqlite_app(tmp_path)
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_concurrent_sqlite_writers_wait_instead_of_failing(tmp_path):
    """GIVEN two threads that read then write in one transaction each
    WHEN they run at the same time
    THEN both commit: BEGIN IMMEDIATE makes the second wait for the lock up front."""
    app = _sqlite_app(tmp_path)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
            conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors = []

    def worker():
        try:
            with app.app_context(), db.engine.begin() as conn:
                value = conn.exec_driver_sql("SELECT n FROM counter").scalar()
                time.sleep(0.2)  # both would hold a read snapshot here with a deferred BEGIN
                conn.exec_driver_sql("UPDATE counter SET n = ?", (value + 1,))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM counter").scalar() == 2


def test_security_headers(client):
    response = client.get("/ingresar")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_are_in_spanish(client, users, login):
    login("staff")
    response = client.get("/no-existe")
    assert response.status_code == 404 and "No encontrado" in response.get_data(as_text=True)
    response = client.get("/admin/usuarios")
    assert response.status_code == 403 and "Acceso denegado" in response.get_data(as_text=True)


def test_static_assets_are_local(client):
    page = client.get("/ingresar").get_data(as_text=True)
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "http://" not in page and "https://" not in page
    response = client.get("/static/vendor/bootstrap/bootstrap.min.css")
    assert response.status_code == 200
    response.close()


def test_templates_need_no_inline_code_or_styles():
    """The content security policy forbids inline scripts and style attributes."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle=\"", text) or re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(path.relative_to(root))
    assert offenders == []
