"""Users, roles and login attempts."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.auth import hashing
from qms.db import UTCDateTime
from qms.extensions import db
from qms.timeutil import now_utc

user_roles = sa.Table(
    "user_roles",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier used by code and the CLI (``quality``, ``author``, ...).
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    #: Named permissions (see ``qms.core.permissions``).
    permissions: Mapped[list] = mapped_column(sa.JSON, default=list)

    def __repr__(self) -> str:
        return f"<Role {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Never reused: users are deactivated, never deleted.
    username: Mapped[str] = mapped_column(sa.String(60), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Cargo, printed in approval blocks.
    position: Mapped[str] = mapped_column(sa.String(160), default="")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Rotated on logout, password change and deactivation: ends every open session.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    unit = relationship("Unit", lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    # Flask-Login: the id carries the session token so a rotated token ends the session.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def set_password(self, password: str) -> None:
        self.password_hash = hashing.hash_password(password)

    def check_password(self, password: str) -> bool:
        """Compare only; signing in and signing go through ``qms.auth.throttle``, which counts."""
        return hashing.verify(self.password_hash, password)

    def rotate_session_token(self) -> None:
        self.session_token = secrets.token_hex(16)

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset(p for role in self.roles for p in (role.permissions or []))

    def can(self, permission: str) -> bool:
        """Return whether any of the user's roles grants ``permission``."""
        return permission in self.permissions

    @property
    def role_names(self) -> list[str]:
        return [role.name for role in self.roles]


class LoginAttempt(db.Model):
    """One password attempt, kept to throttle guessing per account and per address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The name as typed (lower case), whether or not such an account exists.
    username: Mapped[str] = mapped_column(sa.String(60), index=True)
    #: ``request.remote_addr``: the client, or the proxy unless ProxyFix is configured.
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    is_success: Mapped[bool] = mapped_column(default=False)
    #: ``login``, ``signature`` or ``password_change``: where the password was typed.
    kind: Mapped[str] = mapped_column(sa.String(20), default="login", server_default="login")
    #: Refused by the throttle before the password was looked at; never counts as a failure.
    throttled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)

    def __repr__(self) -> str:
        outcome = "ok" if self.is_success else "throttled" if self.throttled else "failed"
        return f"<LoginAttempt {self.kind} {self.username} {outcome}>"
