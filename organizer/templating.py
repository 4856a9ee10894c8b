"""Template globals: navigation entries by role, language names, formatting."""

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user

from organizer.core.services import organization_name
from organizer.features import feature_modules


def navigation_entries() -> list[tuple]:
    """(endpoint, label, roles, order) from every feature's views.NAVIGATION, in menu order.

    Empty roles means every signed-in user."""
    entries = [entry for views in feature_modules("views") for entry in getattr(views, "NAVIGATION", [])]
    return sorted(entries, key=lambda entry: entry[3])


LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def navigation_for(user) -> list[tuple[str, str]]:
    """The navigation entries the user's role may open."""
    if not user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles, _order in navigation_entries()
        if not roles or user.has_role(*roles)
    ]


def _organization_name(app: Flask) -> str:
    # The organization's own name once it exists; the configured one on a fresh install or a broken database.
    try:
        return organization_name()
    except Exception:  # noqa: BLE001 - an error page must still render
        return app.config["ORGANIZATION_NAME"]


def register(app: Flask) -> None:
    """Expose helpers to every template."""
    from organizer.i18n import colon, format_clock, format_moment

    # Dates and times never show seconds, in pages and PDFs alike (Babel's medium/long forms do).
    app.jinja_env.filters["datetimeformat"] = format_moment
    app.jinja_env.filters["timeformat"] = format_clock
    app.jinja_env.globals["colon"] = colon  # "{{ _('Label') }}{{ colon() }} value"

    @app.context_processor
    def inject_globals():
        return {
            "navigation": navigation_for(current_user),
            "language_names": LANGUAGE_NAMES,
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "organization_name": _organization_name(app),
            "current_endpoint": request.endpoint,
        }
