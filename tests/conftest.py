"""Fixtures: an app per test on SQLite and on PostgreSQL, clients that carry CSRF tokens, users."""

import os
import re
import shutil
import tempfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from organizer import create_app
from organizer.auth import services as auth_services
from organizer.extensions import db
from tests.support.postgres import throwaway_cluster

CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def unavailable(reason: str):
    """Skip with a reason, or fail when CI=true makes the dependency mandatory."""
    if CI:
        pytest.fail(f"{reason} (mandatory when CI=true)")
    pytest.skip(reason)


class Client(FlaskClient):
    """A test client that can send forms with the CSRF token a real page would carry."""

    def csrf_token(self) -> str:
        """Read the token from a page of this session (the login page, or home when signed in)."""
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_PATTERN.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        """POST `data` with a valid CSRF token."""
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=payload, **kwargs)

    def login(self, email: str, password: str = PASSWORD, **extra):
        """Sign in through the real form."""
        return self.post_form("/login", {"email": email, "password": password, **extra})


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL URL: ORGANIZER_TEST_POSTGRES_URL, else a throwaway cluster for the session."""
    configured = os.environ.get("ORGANIZER_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    # Not under pytest's tmp folder: the postgres user must be able to reach it, and socket paths are short.
    folder = tempfile.mkdtemp(prefix="organizer-pg-")
    try:
        with throwaway_cluster(folder) as url:
            yield url
    except RuntimeError as error:
        unavailable(f"PostgreSQL not available: {error}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def make_test_app(database_uri: str, **overrides):
    """An app configured for tests against `database_uri`."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "BABEL_DEFAULT_LOCALE": "en",
        "SERVER_NAME": None,
        # Real deployments hash with scrypt; a cheap method keeps the suite fast.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = Client
    return app


def reset_schema(app) -> None:
    """Create the tables; on PostgreSQL empty them (faster than dropping between tests)."""
    with app.app_context():
        db.create_all()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def pytest_collection_modifyitems(config, items):
    """Tests marked any_database need an app but not a particular database: they run once, on SQLite."""
    keep, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_uri") == "postgresql"
        (dropped if on_postgres and item.get_closest_marker("any_database") else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_uri(request, tmp_path):
    """Each database-backed test runs once on SQLite and once on PostgreSQL (any_database ones: SQLite only)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app(database_uri, tmp_path):
    """A fresh application with empty tables; background jobs run inline, within the request that starts them
    (tests/jobs proves the real worker process)."""
    app = make_test_app(database_uri, JOBS_RUN_INLINE=True)
    app.instance_path = str(tmp_path / "instance")
    reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> Client:
    """An HTTP client for `app`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for `app`."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user with a known password: make_user("organizer", email=...)."""

    def factory(role: str = "organizer", email: str | None = None, name: str = "", password: str = PASSWORD):
        email = email or f"{role}-{factory.count}@example.org"
        factory.count += 1
        with app.app_context():
            user, _token = auth_services.create_user(email, name or email, role, password=password)
            db.session.commit()
            return user.id, email

    factory.count = 0
    return factory


@pytest.fixture
def admin(make_user):
    """An administrator's (id, email)."""
    return make_user("admin", email="admin@example.org")
