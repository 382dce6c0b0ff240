"""One-time tokens of create forms: a second submit shows what the first one created.

Two quick clicks on "Informar" send the same form twice. Each create form carries a
token (``once_token()`` in the template); the view claims it in the transaction that
creates the object (:func:`claim`), and records where the result is (:func:`fulfil`).
A token already claimed answers with that page instead of creating a duplicate. The
unique token makes the race safe: the second insert waits for the first transaction and
fails once it commits, and the second request then shows the first one's result.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from qms.db import UTCDateTime
from qms.errors import ServiceError
from qms.extensions import db
from qms.timeutil import now_utc

#: The hidden field of every create form.
TOKEN_FIELD = "submission_token"
#: What the person sees when the same form arrives again.
ALREADY_SENT = "Este formulario ya se había enviado: se muestra lo que se creó la primera vez."


class FormSubmission(db.Model):
    """A create form's token, once it created something, and the page of what it created."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random token of one rendering of a create form.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Who sent it (a token only answers to its own author).
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: The page of what the first submit created.
    result_url: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    def __repr__(self) -> str:
        return f"<FormSubmission {self.token[:8]}… → {self.result_url}>"


def once_token(action: str = "") -> str:
    """The token of the form being rendered: the one just posted to ``action`` (shown again), else a new one.

    ``action`` is the form's target when it is not the page itself (a page with several forms).
    """
    posted = request.method == "POST" and (not action or urlsplit(action).path == request.path)
    return _posted_token() if posted and _posted_token() else secrets.token_urlsafe(24)


def _posted_token() -> str:
    return (request.form.get(TOKEN_FIELD) or "").strip()[:64]


def _result(token: str, user) -> str | None:
    row = db.session.scalar(sa.select(FormSubmission).where(FormSubmission.token == token))
    if row is None:
        return None
    if row.user_id != user.id:
        raise ServiceError("Este formulario ya fue enviado; recargue la página y vuelva a intentarlo.")
    return row.result_url


def claim(user) -> str | None:
    """Claim the posted token in the current transaction; return the first result's page if it was used.

    A form without a token (an old page, a script) is not deduplicated.
    """
    token = _posted_token()
    if not token:
        return None
    previous = _result(token, user)
    if previous is not None:
        return previous
    db.session.add(FormSubmission(token=token, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:  # the same form, sent a moment ago, just committed
        db.session.rollback()
        return _result(token, user) or ""
    return None


def fulfil(result_url: str) -> None:
    """Record the page of what the claimed token created (before the commit)."""
    token = _posted_token()
    if not token:
        return
    row = db.session.scalar(sa.select(FormSubmission).where(FormSubmission.token == token))
    if row is not None:
        row.result_url = result_url[:500]
        db.session.flush()
