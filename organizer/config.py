"""Defaults, overridden by ORGANIZER_* environment variables and then by create_app(config)."""

import os
import secrets
import tempfile
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
    # Login throttling (organizer.auth.services.throttle_wait): one account from one address slows down after
    # this many failures (a wait of LOGIN_BACKOFF_SECONDS, doubling at each further failure); one account from
    # every address closes for the window after _ANYWHERE failures, except in browsers it signed in from
    # before (KNOWN_DEVICE_DAYS); one address closes after _PER_IP failures across accounts.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_BACKOFF_SECONDS = 30
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE = 10
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_THROTTLE_WINDOW_MINUTES = 15
    KNOWN_DEVICE_DAYS = 180
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
    # A production start refuses to run without ORGANIZER_SECRET_KEY instead of inventing one. None: decide
    # by the server (gunicorn means production; `flask run`, the CLI and tests may keep instance/secret_key).
    PRODUCTION = None


class MissingSecretKey(RuntimeError):
    """Production was started without ORGANIZER_SECRET_KEY."""


def is_production(config) -> bool:
    """True when PRODUCTION says so, or, left unset, when gunicorn serves the app."""
    if config.get("PRODUCTION") is not None:
        return bool(config["PRODUCTION"])
    return os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")


def require_secret_key(config) -> None:
    """Refuse a production start without a configured key (several workers must share one, known in advance)."""
    if is_production(config) and not config.get("SECRET_KEY"):
        raise MissingSecretKey(
            "ORGANIZER_SECRET_KEY is not set. In production the key must be configured, the same for every "
            "worker and host: generate one with "
            "python3 -c 'import secrets; print(secrets.token_hex(32))' and put it in the service's environment."
        )


def instance_secret_key(instance_path: str) -> str:
    """Return the secret key kept in instance/secret_key, creating it (mode 600) on first use (development).

    The key is written to a temporary file and linked into place, so a worker starting at the same moment
    reads either no file or the whole key, never an empty one."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(temporary, path)  # atomic; fails if another process linked first
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if not key:
        raise MissingSecretKey(f"{path} is empty: delete it (a new key is made) or set ORGANIZER_SECRET_KEY.")
    return key


def default_database_uri(instance_path: str) -> str:
    """Return the SQLite file URI inside the instance folder."""
    folder = Path(instance_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    database = folder / "organizer.sqlite3"
    if not database.exists():
        # SQLite gives its -wal and -shm files the database's mode: create it 0600 first.
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    return "sqlite:///" + str(database)
