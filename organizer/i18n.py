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


def format_moment(value, width: str = "medium") -> str:
    """A date and time in the reader's language and the organization's timezone, never with seconds:
    "12 déc. 2026, 18:30" / "Dec 12, 2026, 6:30 PM" (Babel's own medium and long forms print seconds)."""
    from babel import Locale
    from babel.dates import format_date, format_time
    from flask_babel import get_locale, to_user_timezone

    if value is None:
        return ""
    if width not in ("short", "medium", "long", "full"):
        from flask_babel import format_datetime

        return format_datetime(value, width)  # an explicit pattern: the caller chose
    locale = Locale.parse(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    moment = to_user_timezone(value)
    pattern = str(locale.datetime_formats[width]).replace("''", "\0").replace("'", "").replace("\0", "'")
    return pattern.format(format_time(moment, "short", locale=locale), format_date(moment, width, locale=locale))


def format_clock(value, width: str = "short") -> str:
    """A time of day without seconds ("18:30", "6:30 PM"); an explicit pattern ("HH:mm") is used as given."""
    from flask_babel import format_time

    if value is None:
        return ""
    return format_time(value, "short" if width in ("medium", "long", "full") else width)


def colon() -> str:
    """The colon after a label: French puts a narrow no-break space before it ("Dernier passage :")."""
    from flask_babel import get_locale

    return "\u202f:" if str(get_locale() or "").startswith("fr") else ":"
