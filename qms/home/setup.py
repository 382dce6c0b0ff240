"""Request-wide behaviour: login loading, idle timeout, security headers, filters."""
from __future__ import annotations

import logging
import time

from flask import Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from qms import timeutil
from qms.auth import security_events
from qms.core.forms import Typed
from qms.core.submissions import once_token
from qms.db import read_by_default, write_by_default
from qms.extensions import db, login_manager
from qms.web import BoundedIntConverter, conflict_for

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    # Before any blueprint adds its rules: every <int:...> then refuses numbers the
    # database cannot hold (404) instead of overflowing the driver (500).
    app.url_map.converters["int"] = BoundedIntConverter
    trust_proxies(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Inicie sesión para continuar."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    # The tick first: it needs the request's session not to hold a transaction yet.
    app.before_request(lazy_tick)
    app.before_request(read_unless_writing)
    app.teardown_request(_forget_reading)
    app.before_request(enforce_idle_timeout)
    app.after_request(security_headers)
    app.teardown_appcontext(_remove_session)
    register_error_pages(app)
    register_template_helpers(app)
    install_institution_provider()


def install_institution_provider() -> None:
    """Let generated Word files name the institution without docgen knowing the org module."""
    from qms.docgen import institution
    from qms.org.queries import institution_for_documents

    institution.set_provider(institution_for_documents)


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the institution's own proxies, when told to.

    The login throttle counts per ``request.remote_addr``; behind a reverse proxy that is
    the proxy's address for everyone, unless ``QMS_TRUSTED_PROXIES`` says how many
    proxies add an X-Forwarded-For entry. Never trusted by default: a client can forge it.
    """
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _remove_session(_exc=None):
    db.session.remove()


#: Methods that only read; their transactions begin deferred on SQLite (``qms.db``).
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def read_unless_writing():
    """Let a GET read without SQLite's write lock, so workers serve pages side by side.

    The few GETs that write (a download leaves a trail entry) take the lock before their
    first write intent (``qms.db.begin_write``); POST and the rest begin
    ``IMMEDIATE`` as before. Nothing changes on PostgreSQL.
    """
    if request.method in READING_METHODS:
        read_by_default(db.session())


def _forget_reading(_exc=None):
    # Tests keep one session across requests and their own writes.
    write_by_default(db.session())


def load_user(user_id: str):
    """Load the user named in the session, only if its session token still matches."""
    from qms.auth.models import User

    try:
        ident, token = user_id.split(":", 1)
        user = db.session.get(User, int(ident))
    except (ValueError, TypeError):
        return None
    if user is None or not user.is_enabled or user.session_token != token:
        return None
    return user


def enforce_idle_timeout():
    """End the session after the configured minutes without a request."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    last_seen = session.get("last_seen", now)
    limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    if now - last_seen > limit:
        logout_user()
        session.pop("last_seen", None)
        flash("Su sesión se cerró por inactividad. Inicie sesión nuevamente.", "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["last_seen"] = now
    session.permanent = True
    return None


def lazy_tick():
    """Run the scheduled step at most once a minute (a setting): versions that become
    effective, and a signed checkpoint of the trail when the last one is a day old.

    Whatever happens to the tick, the page the person asked for is served: the tick runs
    in a session of its own (a fresh app context), commits only itself, and on failure
    rolls back only itself and logs. It needs the request's session not to hold a
    transaction yet (it runs before the other hooks): its own connection could otherwise
    wait on that transaction's locks, on SQLite the write lock, held by this very thread.
    A test that shares its session with the requests it makes may hold one; the tick
    then waits for a later request.
    """
    if request.endpoint == "static" or current_app.config.get("TESTING_DISABLE_TICK"):
        return
    last = current_app.extensions.get("qms_last_tick", 0)
    if time.time() - last < current_app.config["TICK_INTERVAL_SECONDS"] or db.session().in_transaction():
        return
    current_app.extensions["qms_last_tick"] = time.time()
    from qms.documents import service as documents

    with current_app.app_context():
        try:
            documents.tick()
            db.session.commit()
        except Exception:  # noqa: BLE001 - the next request's tick tries again
            db.session.rollback()
            log.exception("the scheduled tick failed; the page is served and a later request retries")
        _checkpoint_lazily()


def _checkpoint_lazily() -> None:
    """Sign the trail's head at most daily; a failure is logged, never shown to the user."""
    from qms.trail import checkpoints

    try:
        checkpoints.write_lazily()
    except checkpoints.CheckpointRefused as refused:
        log.error("trail: checkpoint refused: %s (run `qms audit-log verify`)", refused)
    except OSError:
        log.exception("trail: could not write the checkpoint")


#: A year of HTTPS only, once the site is served with secure cookies. No
#: includeSubDomains: other services of the institution may share the domain.
HSTS = "max-age=31536000"


def security_headers(response):
    if request.endpoint != "static":
        # Pages show what only the signed-in user may see: never keep them in a cache
        # (shared computers, the back button after logout). Static files stay cacheable.
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    return response


def register_error_pages(app: Flask) -> None:
    messages = {
        400: ("Solicitud inválida", "La solicitud no se pudo procesar."),
        403: ("Acceso denegado", "No tiene permiso para ver esta página o realizar esta acción."),
        404: ("No encontrado", "La página o el objeto que busca no existe."),
        405: ("Método no permitido", "Esta acción no se puede realizar de esa forma."),
        413: ("Archivo demasiado grande", "El archivo supera el tamaño máximo permitido. Vuelva atrás: lo que "
                                          "escribió sigue en el formulario; elija un archivo más pequeño."),
        500: ("Error interno", "Ocurrió un error inesperado. Nada se guardó a medias; intente nuevamente."),
    }

    def make_handler(code):
        def handler(_error):
            if code == 403:
                _record_refusal(security_events.FORBIDDEN)
            db.session.rollback()
            title, text = messages[code]
            if code == 413:
                text = text.replace("permitido", f"de {current_app.config['MAX_UPLOAD_MB']} MB")
            return render_template("errors/error.html", code=code, title=title, text=text), code

        return handler

    for code in messages:
        app.register_error_handler(code, make_handler(code))

    @app.errorhandler(StaleDataError)
    @app.errorhandler(DBAPIError)
    def database_conflict(error):
        """Show a lost race in a view that commits by itself as a conflict (409), not a 500.

        Views that go through ``qms.web.attempt`` show it on their own page; this is for
        the others. Any other database error propagates: a logged 500.
        """
        conflict = conflict_for(error)
        if conflict is None:
            raise error
        db.session.rollback()
        return render_template("errors/error.html", code=409, title="Cambio simultáneo",
                               text=conflict.message), conflict.status_code

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        _record_refusal(security_events.CSRF_REJECTED, {"reason": error.description})
        db.session.rollback()
        text = (
            "El formulario expiró o no es válido (protección CSRF). Vuelva atrás, "
            "recargue la página y envíelo otra vez; su texto sigue en el formulario anterior."
        )
        return render_template("errors/error.html", code=400, title="Formulario expirado", text=text), 400


def _record_refusal(action: str, details: dict | None = None) -> None:
    """Chain a refused request; written once the rollback that follows has ended."""
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    security_events.refused(actor, action, "page", (request.endpoint or "")[:40], request.path[:200],
                            {"method": request.method, **(details or {})})


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["date"] = timeutil.format_date
    app.jinja_env.filters["datetime"] = timeutil.format_datetime

    @app.context_processor
    def inject_helpers():
        def can(permission: str) -> bool:
            return current_user.is_authenticated and current_user.can(permission)

        return {"can": can, "today": timeutil.today_local(), "typed": Typed, "once_token": once_token}

    @app.before_request
    def _stash_user():
        g.user = current_user if current_user.is_authenticated else None
