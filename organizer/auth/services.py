"""Verbs of signing in: authenticate with throttling, invitations, passwords."""

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from math import ceil

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from organizer.audit import services as audit
from organizer.auth.models import LoginAttempt, Role, User
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import aware_utc

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
    """The outcome of a sign-in attempt (or of a password check on the account page)."""

    user: User | None = None
    throttled: bool = False
    retry_after_seconds: int = 0

    @property
    def retry_after_minutes(self) -> int:
        """The wait in whole minutes, at least one."""
        return max(1, -(-self.retry_after_seconds // 60))


def _aware(moment):
    # Aggregates (max) bypass the column type: SQLite hands them back naive (UTC).
    return aware_utc(moment) if moment is not None else None


def _failures(since, *conditions) -> tuple[int, object]:
    """How many failed attempts match `conditions` since `since`, and when the last one was."""
    count, last = db.session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since, *conditions
        )
    ).one()
    return count, _aware(last)


def _last_success(email: str):
    return _aware(
        db.session.scalar(
            select(func.max(LoginAttempt.attempted_at)).where(
                LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
            )
        )
    )


def throttle_wait(email: str, ip: str, known_device: bool = False) -> int:
    """Seconds to wait before this account may be tried again from this address (0: go ahead).

    Three rules, all counted in the database so they hold across workers:
    - one account from one address: after LOGIN_MAX_FAILURES_PER_ACCOUNT failures, a backoff that doubles
      with each further failure (LOGIN_BACKOFF_SECONDS, 2x, 4x... up to the window), never a lock;
    - one account from everywhere: LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE failures close it for the window,
      except to a browser where this account signed in before (known device): a stranger guessing the
      administrator's password cannot lock the administrator out;
    - one address, every account: LOGIN_MAX_FAILURES_PER_IP failures close it for the window."""
    config = current_app.config
    now = utcnow()
    window = timedelta(minutes=config["LOGIN_THROTTLE_WINDOW_MINUTES"])
    window_start = now - window
    account_since = max(window_start, _last_success(email) or window_start)
    waits = [0]
    count, last = _failures(account_since, LoginAttempt.email == email, LoginAttempt.ip == ip)
    over = count - config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    if over >= 0:
        backoff = min(timedelta(seconds=config["LOGIN_BACKOFF_SECONDS"] * 2**over), window)
        waits.append((last + backoff - now).total_seconds())
    if not known_device:
        count, last = _failures(account_since, LoginAttempt.email == email)
        if count >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE"]:
            waits.append((last + window - now).total_seconds())
    count, last = _failures(window_start, LoginAttempt.ip == ip)
    if count >= config["LOGIN_MAX_FAILURES_PER_IP"]:
        waits.append((last + window - now).total_seconds())
    return max(0, ceil(max(waits)))


def is_throttled(email: str, ip: str, known_device: bool = False) -> bool:
    """True while throttle_wait() asks to wait."""
    return throttle_wait(normalize_email(email), ip, known_device) > 0


def authenticate(
    email: str, password: str, ip: str, known_user_ids: Collection[int] = (), purpose: str = "login"
) -> LoginResult:
    """Check credentials, record the attempt, and refuse while throttled.

    Every password check goes through here (sign-in, re-authentication, the account page's current
    password), so they are counted together and audited. `known_user_ids` are the accounts that signed in
    before in this browser (organizer.auth.devices); `purpose` is written in the audit log."""
    email = normalize_email(email)
    user = find_user_by_email(email)
    known_device = user is not None and user.id in known_user_ids
    wait = throttle_wait(email, ip, known_device)
    purpose_detail = {} if purpose == "login" else {"purpose": purpose}
    details = {"email_domain": email.rpartition("@")[2], **purpose_detail}
    if wait:
        audit.record("login.throttled", user, **details)
        return LoginResult(throttled=True, retry_after_seconds=wait)
    if user is None:
        User(password_hash=_dummy_hash()).check_password(password)
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok))
    if ok:
        if purpose == "login":
            user.last_login_at = utcnow()
        audit.record("login.success", user, actor_id=user.id, **purpose_detail)
        return LoginResult(user=user)
    audit.record("login.failure", user, **details)
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
