"""Access rules: every view declares who may open it, and anything undeclared is refused."""

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy import select

from organizer.auth.models import User
from organizer.extensions import db
from organizer.security import is_safe_next


def require_role(*roles: str) -> Callable:
    """Allow signed-in users holding one of `roles` (admins always); no roles: any signed-in user."""

    def mark(view: Callable) -> Callable:
        view.required_roles = tuple(str(role) for role in roles)
        return view

    return mark


def require_recent_auth(minutes: int = 15) -> Callable:
    """Ask for the password again when the last sign-in is older than `minutes` (exports, erasure)."""

    def mark(view: Callable) -> Callable:
        view.recent_auth_minutes = minutes
        return view

    return mark


def mark_authenticated_now() -> None:
    """Remember in the session when the password was last checked."""
    session["auth_at"] = int(time.time())


def _needs_reauthentication(minutes: int) -> bool:
    return int(time.time()) - int(session.get("auth_at", 0)) > minutes * 60


def _reauthentication_redirect():
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        # A form cannot be replayed after a redirect: come back to the page it was sent from.
        referrer = urlsplit(request.referrer or "")
        target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return redirect(url_for("auth.reauthenticate", next=target if is_safe_next(target) else None))


def public(view: Callable) -> Callable:
    """Allow anyone, signed in or not (login page, health check)."""
    view.is_public = True
    return view


def enforce_access():
    """before_request: refuse views that declare nothing, ask to sign in, or check the role."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False):
        return None
    roles = getattr(view, "required_roles", None)
    if roles is None:
        current_app.logger.error("view %s declares no access rule: refused", request.endpoint)
        abort(403)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if roles and not current_user.has_role(*roles):
        abort(403)
    minutes = getattr(view, "recent_auth_minutes", None)
    if minutes is not None and _needs_reauthentication(minutes):
        return _reauthentication_redirect()
    return None


def configure_login_manager(login_manager: LoginManager) -> None:
    """Load users by their rotating session token; inactive users are not loaded."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))
