"""Users, roles and login attempts."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

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
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(password) and check_password_hash(self.password_hash, password)

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
    """One login attempt, kept to throttle guessing against a single account."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60), index=True)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")
    is_success: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
