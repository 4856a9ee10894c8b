"""Locale and timezone selection for Flask-Babel."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """The user's preference, else the session's choice, else Accept-Language, else the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line, background jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if request:
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """One organization, one place: the configured timezone."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def paper_size(locale: str) -> str:
    """A4 everywhere but where Letter is the custom, unless a setting decides."""
    configured = current_app.config.get("PAPER_SIZE")
    if configured in ("a4", "letter"):
        return configured
    return "letter" if locale.replace("-", "_") in ("en_US", "en_CA") else "a4"
