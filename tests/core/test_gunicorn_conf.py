"""The shipped gunicorn configuration loads, follows the environment and restarts workers
at staggered moments; ``--check-config`` also imports the app through it."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gunicorn(*args, **env):
    return subprocess.run([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *args],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=120)


def _settings(output: str) -> dict:
    return {name.strip(): value.strip() for name, _, value in
            (line.partition("=") for line in output.splitlines() if "=" in line)}


def test_the_configuration_follows_the_environment():
    settings = _settings(_gunicorn("--print-config", QMS_WORKERS="3", QMS_MAX_REQUESTS="500").stdout)
    assert settings["workers"] == "3"
    assert settings["worker_class"] == "sync"
    assert settings["max_requests"] == "500" and int(settings["max_requests_jitter"]) > 0
    assert settings["wsgi_app"] == "qms:create_app()"
    assert settings["preload_app"] == "False"
    assert int(settings["graceful_timeout"]) > 0 and int(settings["timeout"]) >= 30


def test_the_app_loads_through_it(tmp_path):
    result = _gunicorn("--check-config", QMS_DATABASE_URL=f"sqlite:///{tmp_path / 'qms.sqlite3'}",
                       QMS_INSTANCE_PATH=str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
