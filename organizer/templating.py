"""Template globals: navigation entries by role, language names, formatting."""

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from organizer.auth.models import Role

# (endpoint, label, roles allowed; empty means every signed-in user). Later features append here.
NAVIGATION = [
    ("core.index", _l("Home"), ()),
    ("users.index", _l("People with access"), (Role.ADMIN,)),
    ("audit.index", _l("Audit log"), (Role.ADMIN,)),
]

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def navigation_for(user) -> list[tuple[str, str]]:
    """The navigation entries the user's role may open."""
    if not user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label, roles in NAVIGATION if not roles or user.has_role(*roles)]


def register(app: Flask) -> None:
    """Expose helpers to every template."""

    @app.context_processor
    def inject_globals():
        return {
            "navigation": navigation_for(current_user),
            "language_names": LANGUAGE_NAMES,
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "organization_name": app.config["ORGANIZATION_NAME"],
            "current_endpoint": request.endpoint,
        }
