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
    # Background job queue (see organizer/jobs/worker.py): jobs at once per `flask jobs worker`, how often
    # workers look for work and say they live, when a silent worker counts as dead (its job is queued again
    # once, then failed), how long a stopped worker lets its jobs finish.
    JOBS_WORKER_CONCURRENCY = 2
    JOBS_POLL_SECONDS = 1.0
    JOBS_HEARTBEAT_SECONDS = 10.0
    JOBS_DEAD_AFTER_SECONDS = 60.0
    JOBS_MAX_ATTEMPTS = 2
    JOBS_STOP_GRACE_SECONDS = 30.0
    # A folder every web and worker host mounts, for uploads and job files; None keeps them in the database.
    SHARED_FOLDER = None
    # werkzeug method string; tests use a cheap one, deployments keep scrypt.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    # Maps: the tile layer under the doors, an OpenStreetMap-style URL template ({z}/{x}/{y}, optional {s}),
    # and its attribution. Empty: no tiles at all (offline laptop, tests); doors and streets are still drawn
    # from the addresses' coordinates. The tile host is the only outside address pages may load (images).
    MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_TILES_ATTRIBUTION = "© OpenStreetMap contributors"
    # Behind a reverse proxy: how many X-Forwarded-* hops to trust (0: none).
    PROXY_FIX_HOPS = 0
    # The address phones use to reach this server (QR codes and links on printed sheets), e.g.
    # https://organizer.example.org or http://192.168.1.20:5000 on a canvass launch; unset: the request's own.
    PUBLIC_URL = None
    # Days the canvasser's phone keeps the turfs it cached (names, last results) without reaching the server.
    OFFLINE_DAYS = 3
    # --- Turnout: e-mail, public sign-up pages, reminders ---
    # Outgoing e-mail (ORGANIZER_MAIL_SERVER=smtp.example.org ...). No server: messages are written to
    # instance/mail-outbox and nothing leaves.
    MAIL_SERVER = None
    MAIL_PORT = 587
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = None
    MAIL_TIMEOUT_SECONDS = 20
    # Minutes before each new attempt after a failed send; then the message is marked failed (and shown).
    MAIL_RETRY_MINUTES = (1, 5, 30, 120)
    # Public sign-up pages: sign-ups accepted per address and per action within the window.
    SIGNUP_MAX_PER_ADDRESS = 5
    SIGNUP_MAX_PER_ACTION = 1000
    SIGNUP_WINDOW_MINUTES = 60


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
