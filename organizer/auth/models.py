"""Accounts and login attempts."""

import secrets
from datetime import datetime
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from organizer.db import TimestampMixin, utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime


class Role(StrEnum):
    """What a person may do; admin may do everything."""

    ADMIN = "admin"
    ORGANIZER = "organizer"
    LEADER = "leader"
    CANVASSER = "canvasser"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANIZER: _l("Organizer"),
    Role.LEADER: _l("Leader"),
    Role.CANVASSER: _l("Canvasser"),
}


def new_session_token() -> str:
    """A fresh random token; changing it ends every session of the user."""
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in: staff, leaders, volunteers."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.CANVASSER.value)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Flask-Login stores this token, not the id: rotating it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    invitation_token_hash: Mapped[str | None] = mapped_column(String(64))
    invitation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def set_password(self, password: str) -> None:
        """Hash and store a new password (scrypt unless configured otherwise)."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this user."""
        self.session_token = new_session_token()

    def has_role(self, *roles: str) -> bool:
        """Admins pass every check; others must hold one of `roles`."""
        return self.role == Role.ADMIN or self.role in roles

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(Role(self.role), self.role))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginAttempt(db.Model):
    """One sign-in attempt; kept in the database so throttling holds across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "attempted_at"),
        Index("ix_login_attempts_ip_at", "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
