"""Settings read from the environment (``QMS_*``) with embedded defaults.

Every filesystem path is a setting so that tests can point it at a temporary folder.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "si", "sí", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def load_secret_key(instance_path: Path) -> str:
    """Return the configured secret key, or one generated once into ``instance/``.

    The file is created with O_EXCL so that several gunicorn workers starting at the
    same moment agree on a single key.
    """
    configured = os.environ.get("QMS_SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
        handle.flush()
        os.fsync(handle.fileno())
    return key_file.read_text().strip()


def build_config(overrides: dict | None = None) -> dict:
    """Return the application settings: environment first, then embedded defaults."""
    overrides = dict(overrides or {})
    instance = Path(
        overrides.get("INSTANCE_PATH")
        or os.environ.get("QMS_INSTANCE_PATH")
        or PROJECT_ROOT / "instance"
    ).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    config = {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("QMS_DATABASE_URL")
        or f"sqlite:///{instance / 'qms.sqlite3'}",
        "STORAGE_PATH": os.environ.get("QMS_STORAGE_PATH") or str(instance / "storage"),
        "INDEX_PATH": os.environ.get("QMS_INDEX_PATH") or str(instance / "index"),
        "DOCUMENT_TEMPLATES_PATH": os.environ.get("QMS_DOCUMENT_TEMPLATES_PATH")
        or str(PROJECT_ROOT / "document_templates"),
        "TIMEZONE": os.environ.get("QMS_TIMEZONE", "America/Santiago"),
        "IDLE_TIMEOUT_MINUTES": _env_int("QMS_IDLE_TIMEOUT_MINUTES", 30),
        "SEGREGATION_OF_DUTIES": _env_bool("QMS_SEGREGATION_OF_DUTIES", True),
        "MAX_UPLOAD_MB": _env_int("QMS_MAX_UPLOAD_MB", 20),
        "LOGIN_MAX_FAILURES": _env_int("QMS_LOGIN_MAX_FAILURES", 10),
        "LOGIN_FAILURE_WINDOW_MINUTES": _env_int("QMS_LOGIN_FAILURE_WINDOW_MINUTES", 15),
        #: Public address printed (and QR-encoded) on every copy for verification.
        # Empty: printed addresses (the QR of a copy) use the address the request came to.
        "BASE_URL": os.environ.get("QMS_BASE_URL", ""),
        "SEARCH_ENABLED": _env_bool("QMS_SEARCH_ENABLED", True),
        #: Page size of generated Word files: "a4", "letter" or "" (the template's own).
        "DOCGEN_PAPER": os.environ.get("QMS_DOCGEN_PAPER", ""),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # A CSRF token lives a whole working day: long drafting must not lose its work.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "WTF_I18N_ENABLED": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("QMS_SECURE_COOKIES", False),
        "SESSION_COOKIE_NAME": "qms_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if _env_bool("QMS_SECURE_COOKIES", False) else "http",
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = load_secret_key(instance)
    config["MAX_CONTENT_LENGTH"] = (config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    return config
