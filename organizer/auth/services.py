"""Verbs of signing in: authenticate with throttling, invitations, passwords."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from organizer.audit import services as audit
from organizer.auth.models import LoginAttempt, Role, User
from organizer.db import utcnow
from organizer.extensions import db

# Checked against when the e-mail is unknown, so both failures cost the same time.
_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("organizer-timing-equaliser", method=method)
    return _dummy_hashes[method]


def normalize_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this e-mail, if any."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


@dataclass
class LoginResult:
    """The outcome of a sign-in attempt."""

    user: User | None = None
    throttled: bool = False
    retry_after_minutes: int = 0


def _recent_failures(column, value, since) -> int:
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since
        )
    )


def _last_success(email: str):
    return db.session.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(True))
    )


def is_throttled(email: str, ip: str) -> bool:
    """Too many recent failures for this account or from this address."""
    config = current_app.config
    window_start = utcnow() - timedelta(minutes=config["LOGIN_THROTTLE_WINDOW_MINUTES"])
    account_since = window_start
    last_success = _last_success(email)
    if last_success is not None:
        if last_success.tzinfo is None:  # SQLite returns naive datetimes from aggregates.
            last_success = last_success.replace(tzinfo=window_start.tzinfo)
        account_since = max(window_start, last_success)
    if _recent_failures(LoginAttempt.email, email, account_since) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    return _recent_failures(LoginAttempt.ip, ip, window_start) >= config["LOGIN_MAX_FAILURES_PER_IP"]


def authenticate(email: str, password: str, ip: str) -> LoginResult:
    """Check credentials, record the attempt, and refuse while throttled."""
    email = normalize_email(email)
    if is_throttled(email, ip):
        audit.record("login.throttled", None, email_domain=email.rpartition("@")[2])
        return LoginResult(throttled=True, retry_after_minutes=current_app.config["LOGIN_THROTTLE_WINDOW_MINUTES"])
    user = find_user_by_email(email)
    if user is None:
        User(password_hash=_dummy_hash()).check_password(password)
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok))
    if ok:
        user.last_login_at = utcnow()
        audit.record("login.success", user, actor_id=user.id)
        return LoginResult(user=user)
    audit.record("login.failure", user, email_domain=email.rpartition("@")[2])
    return LoginResult()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    email: str, display_name: str, role: str, password: str | None = None, created_by: User | None = None
) -> tuple[User, str | None]:
    """Create an account; without a password, return an invitation token to hand over."""
    if role not in {r.value for r in Role}:
        raise ValueError(f"unknown role {role!r}")
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip() or normalize_email(email).partition("@")[0],
        role=role,
        created_by_id=created_by.id if created_by else None,
    )
    token = None
    if password:
        user.set_password(password)
    else:
        token = issue_invitation(user)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, role=role, invited=token is not None)
    return user, token


def issue_invitation(user: User) -> str:
    """Give the user a new single-use link to choose a password; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    user.invitation_token_hash = _hash_token(token)
    user.invitation_expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
    return token


def user_for_invitation(token: str) -> User | None:
    """The active user this unexpired invitation token belongs to."""
    user = db.session.scalar(select(User).where(User.invitation_token_hash == _hash_token(token)))
    if user is None or not user.is_active or user.invitation_expires_at is None:
        return None
    expires = user.invitation_expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=utcnow().tzinfo)
    return user if expires > utcnow() else None


def accept_invitation(user: User, password: str) -> None:
    """Set the chosen password and spend the invitation."""
    user.set_password(password)
    user.invitation_token_hash = None
    user.invitation_expires_at = None
    user.end_all_sessions()
    audit.record("user.invitation_accepted", user, actor_id=user.id)


def change_password(user: User, password: str) -> None:
    """Set a new password and end every other session of the user."""
    user.set_password(password)
    user.end_all_sessions()
    audit.record("user.password_change", user)


def change_role(user: User, role: str) -> None:
    """Give the user another role; their sessions end so the new rights apply at once."""
    if role not in {r.value for r in Role}:
        raise ValueError(f"unknown role {role!r}")
    old = user.role
    user.role = role
    user.end_all_sessions()
    audit.record("user.role_change", user, old=old, new=role)


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending every session) or reactivate an account."""
    user.active = active
    user.end_all_sessions()
    audit.record("user.reactivate" if active else "user.deactivate", user)


def count_active_admins() -> int:
    """How many active administrators remain."""
    return db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active.is_(True)))
