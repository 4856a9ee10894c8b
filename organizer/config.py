"""Defaults, overridden by ORGANIZER_* environment variables and then by create_app(config)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


class Defaults:
    """Settings every deployment starts from; none of them is a secret."""

    ORGANIZATION_NAME = "Organizer"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    # The organization's country (ISO 3166 code): phone numbers without +prefix are read in it and shown in
    # its national form; addresses are parsed in its way ("US", "CA": number, street, unit, city, state, ZIP).
    COUNTRY = "FR"
    # Paper size for printed sheets: "a4" or "letter"; None follows the locale.
    PAPER_SIZE = None
    # Support levels (1-5) are opinion data; a deployment may switch them off.
    SUPPORT_LEVELS_ENABLED = True
    # Set true when served over HTTPS: cookies become Secure and HSTS is sent.
    HTTPS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Login throttling: failures allowed per account and per address within the window.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_THROTTLE_WINDOW_MINUTES = 15
    INVITATION_VALID_DAYS = 7
    # Residents with no contact for this many months are erased by `flask privacy purge`.
    RETENTION_MONTHS = 36
    # Background jobs keep their results (PDFs, exports) and uploaded import files this long, then
    # `flask jobs purge` (also run whenever a job starts) deletes them: they hold personal data.
    JOBS_RETENTION_DAYS = 7
    # werkzeug method string; tests use a cheap one, deployments keep scrypt.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    # Behind a reverse proxy: how many X-Forwarded-* hops to trust (0: none).
    PROXY_FIX_HOPS = 0


def instance_secret_key(instance_path: str) -> str:
    """Return the secret key kept in instance/secret_key, creating it (mode 600) on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL so two workers starting together keep a single key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def default_database_uri(instance_path: str) -> str:
    """Return the SQLite file URI inside the instance folder."""
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(Path(instance_path) / "organizer.sqlite3")
