"""Helpers shared by every blueprint: permission checks, safe redirects, pagination,
numbers read from URLs."""
from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import abort, request, url_for
from flask_login import current_user
from flask_login import login_required as _flask_login_required
from werkzeug.routing import IntegerConverter

from qms.extensions import db

log = logging.getLogger(__name__)

#: The largest value of the app's integer columns (ids, numbers, years): INTEGER, 32
#: bits on PostgreSQL (SQLite holds 64, but a URL must behave the same on both). A
#: larger number from a URL would overflow the driver (a 500) instead of finding nothing.
MAX_DB_INT = 2**31 - 1
#: Years a filter may name: what ``datetime.date`` accepts.
YEARS = (1, 9999)


def bounded_int(value, low: int = -MAX_DB_INT, high: int = MAX_DB_INT) -> int | None:
    """Return ``value`` as an int within ``low..high``, or None (absent, not a number, out of range).

    Every number read from a query string or a form goes through here, so a huge one
    is ignored like a word would be.
    """
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):  # ValueError also for more digits than int() reads
        return None
    return number if low <= number <= high else None


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches only numbers the database can hold; larger ones are a 404.

    Installed as the app's ``int`` converter (``qms.home.setup``), so every route has it.
    """

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_DB_INT,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_DB_INT if max is None else max,
                         signed=signed)


def login_required(view):
    """Require a signed-in user; the mark lets the access-matrix test see it."""
    wrapped = _flask_login_required(view)
    wrapped.requires_login = True
    return wrapped


def permission_required(permission: str):
    """Require login and ``permission``; the permission is recorded on the view for tests."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        wrapped.requires_login = True
        return wrapped

    return decorator


def public(view):
    """Mark a view as reachable without login (checked by the access-matrix test)."""
    view.is_public = True
    return view


def is_safe_redirect(target: str | None) -> bool:
    """Return whether ``target`` is a path on this site (no scheme, host or ``//``)."""
    if not target or not target.startswith("/"):
        return False
    if target.startswith("//") or target.startswith("/\\") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def redirect_target(default_endpoint: str = "home.inbox") -> str:
    """Return the ``next`` parameter if it is safe, else the default page."""
    target = request.values.get("next")
    return target if is_safe_redirect(target) else url_for(default_endpoint)


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


class Page:
    """A page of results from a select statement."""

    def __init__(self, statement, page: int, per_page: int = 25):
        self.per_page = per_page
        self.total = db.session.scalar(
            db.select(db.func.count()).select_from(statement.order_by(None).subquery())
        )
        # A page past the end shows the last one: the offset then always fits the database.
        self.page = min(max(page, 1), self.pages)
        self.items = db.session.scalars(statement.limit(per_page).offset((self.page - 1) * per_page)).unique().all()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


class ListPage(Page):
    """A page of a list already built in Python (rows merged from several modules)."""

    def __init__(self, items: list, page: int, per_page: int = 50):
        self.per_page = per_page
        self.total = len(items)
        self.page = min(max(page, 1), self.pages)
        self.items = items[(self.page - 1) * per_page:self.page * per_page]


def page_arg() -> int:
    """The ``page`` argument; 1 when absent, not a number or out of range."""
    return bounded_int(request.args.get("page"), 1) or 1


def acting_user():
    """Return the signed-in user object (not the proxy), for services."""
    from flask_login import current_user as proxy

    return proxy._get_current_object()


def form_error(form, error) -> None:
    """Attach a service error to its form field, or flash it when it has none."""
    from flask import flash

    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "danger")


def options(pairs) -> list:
    """Turn ``(value, label)`` pairs into WTForms select choices."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(value=value, label=label) for value, label in pairs]


class Outcome:
    """The result of :func:`attempt`: ``ok``, the service's return ``value`` or its refusal ``error``."""

    def __init__(self, ok: bool, value=None, error=None):
        self.ok = ok
        self.value = value
        self.error = error

    @property
    def status(self) -> int:
        """The HTTP status of the page shown again after a refusal (409 for a conflict)."""
        return 200 if self.ok else self.error.status_code


def conflict_for(error: Exception):
    """Return the ``ConflictError`` a database error means, or None when it means a bug.

    Services lock what they decide on, so this is the net under them: an update that
    found its row changed, a transaction PostgreSQL aborted for a concurrent one, or the
    violation of a constraint that declares its message (``qms.db.conflict_message``).
    """
    from qms.db import conflict_message
    from qms.errors import ConflictError

    message = conflict_message(error, db.metadata)
    if message is None:
        return None
    log.warning("concurrent change refused as a conflict: %s", str(error).splitlines()[0])
    return ConflictError(message)


@contextmanager
def as_conflict():
    """Raise :func:`conflict_for`'s ``ConflictError`` for a lost race inside the block.

    Any other database error propagates unchanged (a logged 500).
    """
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    try:
        yield
    except (StaleDataError, DBAPIError) as error:
        conflict = conflict_for(error)
        if conflict is None:
            raise
        raise conflict from error


def attempt(operation, form=None, category: str = "danger") -> Outcome:
    """Run a service call as the request's one transaction.

    On success commit; when the service refuses (ServiceError), or a concurrent change
    won (:func:`as_conflict`, also at the commit), roll back and show the message on the
    form field it names, or as a flash message, so the page can be shown again with
    everything the user typed. A refusal for lack of permission is a 403.
    """
    from flask import flash

    from qms.errors import PermissionDenied, ServiceError

    try:
        with as_conflict():
            value = operation()
            db.session.commit()
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except ServiceError as error:
        db.session.rollback()
        if form is not None:
            form_error(form, error)
        else:
            flash(error.message, category)
        return Outcome(False, error=error)
    return Outcome(True, value)


def int_arg(name: str, low: int = -MAX_DB_INT, high: int = MAX_DB_INT) -> int | None:
    """Return the query-string argument as an int, or None when absent, not a number or out of range."""
    return bounded_int(request.args.get(name), low, high)


def year_arg(name: str = "year") -> int | None:
    """Return the query-string argument as a year, or None when it is not one."""
    return int_arg(name, *YEARS)
