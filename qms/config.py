"""Settings read from the environment (``QMS_*``) with embedded defaults.

Every filesystem path is a setting so that tests can point it at a temporary folder.
"""
from __future__ import annotations

import os
import shutil
import secrets
import time
from datetime import timedelta
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
    """Return the configured secret key, or one generated once into ``instance/``."""
    return load_key(instance_path, "QMS_SECRET_KEY", "secret_key")


def load_trail_key(instance_path: Path) -> str:
    """Return the key of the audit trail's HMAC chain (``QMS_TRAIL_KEY`` or ``instance/trail_key``).

    It lives outside the database on purpose: whoever can rewrite the tables cannot
    recompute the chain without it.
    """
    return load_key(instance_path, "QMS_TRAIL_KEY", "trail_key")


def load_key(instance_path: Path, variable: str, file_name: str) -> str:
    """Return ``variable`` from the environment, or a key generated once into ``instance/file_name``.

    The file is created with O_EXCL and mode 0600 so that several gunicorn workers
    starting at the same moment agree on a single key and nobody else can read it.
    """
    configured = os.environ.get(variable)
    if configured:
        return configured
    key_file = instance_path / file_name
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(key_file)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
        handle.flush()
        os.fsync(handle.fileno())
    return _read_key(key_file)


def _read_key(key_file: Path) -> str:
    """Read a key file, waiting briefly for a worker that has created but not yet written it."""
    for _attempt in range(50):
        key = key_file.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{key_file} está vacío: bórrelo para que se genere una clave nueva")


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
        #: Signed checkpoints of the audit trail, kept outside the database.
        "TRAIL_CHECKPOINT_PATH": os.environ.get("QMS_TRAIL_CHECKPOINT_PATH") or str(instance / "trail_checkpoints"),
        "INDEX_PATH": os.environ.get("QMS_INDEX_PATH") or str(instance / "index"),
        "DOCUMENT_TEMPLATES_PATH": os.environ.get("QMS_DOCUMENT_TEMPLATES_PATH")
        or str(PROJECT_ROOT / "document_templates"),
        "TIMEZONE": os.environ.get("QMS_TIMEZONE", "America/Santiago"),
        "IDLE_TIMEOUT_MINUTES": _env_int("QMS_IDLE_TIMEOUT_MINUTES", 30),
        "SEGREGATION_OF_DUTIES": _env_bool("QMS_SEGREGATION_OF_DUTIES", True),
        "MAX_UPLOAD_MB": _env_int("QMS_MAX_UPLOAD_MB", 20),
        # What a zip (Office files) may expand to, measured while it is read (qms.storage.archives).
        "UPLOAD_MAX_UNCOMPRESSED_MB": _env_int("QMS_UPLOAD_MAX_UNCOMPRESSED_MB", 100),
        # Wrong passwords per account (logins and signatures alike); see qms.auth.throttle.
        "LOGIN_MAX_FAILURES": _env_int("QMS_LOGIN_MAX_FAILURES", 10),
        "LOGIN_FAILURE_WINDOW_MINUTES": _env_int("QMS_LOGIN_FAILURE_WINDOW_MINUTES", 15),
        # Failed logins per client address before it is made to wait, doubling up to the cap.
        # The address is request.remote_addr: behind a reverse proxy set QMS_TRUSTED_PROXIES.
        "LOGIN_ADDRESS_MAX_FAILURES": _env_int("QMS_LOGIN_ADDRESS_MAX_FAILURES", 30),
        "LOGIN_ADDRESS_WINDOW_MINUTES": _env_int("QMS_LOGIN_ADDRESS_WINDOW_MINUTES", 60),
        "LOGIN_ADDRESS_MAX_DELAY_SECONDS": _env_int("QMS_LOGIN_ADDRESS_MAX_DELAY_SECONDS", 300),
        # New password hashes: argon2id at OWASP's parameters (qms.auth.hashing); older
        # schemes still verify and are replaced at the next login. Tests name a cheap one.
        "PASSWORD_HASH_METHOD": os.environ.get("QMS_PASSWORD_HASH_METHOD", "argon2id"),
        #: How many reverse proxies of the institution stand in front of the app. 0 (the
        #: default) trusts no X-Forwarded-* header: any client can send one.
        "TRUSTED_PROXIES": _env_int("QMS_TRUSTED_PROXIES", 0),
        #: Public address printed (and QR-encoded) on every copy for verification.
        # Empty: printed addresses (the QR of a copy) use the address the request came to.
        "BASE_URL": os.environ.get("QMS_BASE_URL", ""),
        "SEARCH_ENABLED": _env_bool("QMS_SEARCH_ENABLED", True),
        #: ``whoosh``, ``postgres``, or empty: PostgreSQL full-text search on PostgreSQL (qms.search.backends).
        "SEARCH_BACKEND": os.environ.get("QMS_SEARCH_BACKEND", ""),
        #: Seconds between two lazy runs of the scheduled tick in one process (0: every request).
        "TICK_INTERVAL_SECONDS": _env_int("QMS_TICK_INTERVAL_SECONDS", 60),
        #: Page size of generated Word files: "a4", "letter" or "" (the template's own).
        "DOCGEN_PAPER": os.environ.get("QMS_DOCGEN_PAPER", ""),
        # Email of notifications (qms.notifications): off while QMS_SMTP_HOST is empty.
        "SMTP_HOST": os.environ.get("QMS_SMTP_HOST", ""),
        # Read when sending: a wrong value is a failed delivery the admin sees, not an app that won't start.
        "SMTP_PORT": os.environ.get("QMS_SMTP_PORT", "25"),
        "SMTP_USER": os.environ.get("QMS_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("QMS_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _env_bool("QMS_SMTP_STARTTLS", False),
        "SMTP_SSL": _env_bool("QMS_SMTP_SSL", False),
        "SMTP_FROM": os.environ.get("QMS_SMTP_FROM", ""),
        "SMTP_TIMEOUT_SECONDS": _env_int("QMS_SMTP_TIMEOUT_SECONDS", 10),
        # Attempts per message, and the first wait (doubled after each failure).
        "SMTP_MAX_ATTEMPTS": _env_int("QMS_SMTP_MAX_ATTEMPTS", 6),
        "SMTP_RETRY_SECONDS": _env_int("QMS_SMTP_RETRY_SECONDS", 60),
        # A message claimed this long ago by a runner that never finished is taken up again.
        "SMTP_CLAIM_TIMEOUT_SECONDS": _env_int("QMS_SMTP_CLAIM_TIMEOUT_SECONDS", 600),
        "NOTIFY_JOURNAL_PATH": os.environ.get("QMS_NOTIFY_JOURNAL_PATH") or str(instance / "outbox_sent"),
        # Local hour from which the daily digest is written.
        "NOTIFY_DIGEST_HOUR": _env_int("QMS_NOTIFY_DIGEST_HOUR", 7),
        # Days overdue before the process owner is told, and before the committee is (0: never).
        "NOTIFY_ESCALATION_DAYS": _env_int("QMS_NOTIFY_ESCALATION_DAYS", 5),
        "NOTIFY_COMMITTEE_DAYS": _env_int("QMS_NOTIFY_COMMITTEE_DAYS", 10),
        # Working days staff have to acknowledge a new effective version.
        "ACK_DUE_WORKING_DAYS": _env_int("QMS_ACK_DUE_WORKING_DAYS", 10),
        # Seconds between two searches for due items (reminders); every round runs the outbox.
        "REMINDERS_INTERVAL_SECONDS": _env_int("QMS_REMINDERS_INTERVAL_SECONDS", 900),
        # Seconds between two rounds of `qms worker`.
        "WORKER_INTERVAL_SECONDS": _env_int("QMS_WORKER_INTERVAL_SECONDS", 60),
        #: LibreOffice for PDF copies (qms.docgen.pdf); empty or missing: PDF copies are unavailable.
        "SOFFICE_PATH": os.environ.get("QMS_SOFFICE_PATH", shutil.which("soffice") or ""),
        #: The converter's LibreOffice profile, lock and process id (one converter per instance folder).
        "PDF_CONVERTER_PATH": os.environ.get("QMS_PDF_CONVERTER_PATH") or str(instance / "pdf_converter"),
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
        "REMEMBER_COOKIE_SECURE": _env_bool("QMS_SECURE_COOKIES", False),
        "PREFERRED_URL_SCHEME": "https" if _env_bool("QMS_SECURE_COOKIES", False) else "http",
    }
    config.update(overrides)
    # The session cookie lives as long as the server lets the session idle, not Flask's
    # 31 days; the remember-me cookie is never issued (login_user without remember), and
    # would be bounded the same way if it were.
    idle = timedelta(minutes=config["IDLE_TIMEOUT_MINUTES"])
    config.setdefault("PERMANENT_SESSION_LIFETIME", idle)
    config.setdefault("REMEMBER_COOKIE_DURATION", idle)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = load_secret_key(instance)
    if "TRAIL_KEY" not in config:
        config["TRAIL_KEY"] = load_trail_key(instance)
    # Twice the upload limit: a file somewhat too large still arrives with the rest of the
    # form, so the page is shown again with the message and what was typed; only a body
    # beyond this is cut short with the 413 page.
    config["MAX_CONTENT_LENGTH"] = (2 * config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    return config
