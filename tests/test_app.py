"""The application factory, configuration, health check, headers and error pages."""

from pathlib import Path

import pytest
from sqlalchemy import text

from organizer import create_app
from organizer.auth.permissions import public
from organizer.extensions import db
from tests.conftest import make_test_app


def test_config_comes_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ORGANIZER_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("ORGANIZER_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("ORGANIZER_LOGIN_MAX_FAILURES_PER_ACCOUNT", "3")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 3
    # Overrides passed to the factory win over the environment.
    assert create_app({"SECRET_KEY": "explicit"}).config["SECRET_KEY"] == "explicit"


def test_secret_key_is_generated_once_and_kept_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("ORGANIZER_SECRET_KEY", raising=False)
    from organizer import config

    first = config.instance_secret_key(str(tmp_path))
    second = config.instance_secret_key(str(tmp_path))
    assert first == second and len(first) == 64
    key_file = Path(tmp_path) / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert config.instance_secret_key(str(tmp_path / "other")) != first


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("ORGANIZER_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(Path(app.instance_path) / "organizer.sqlite3")


def test_plain_postgresql_url_uses_psycopg3():
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgresql://u@localhost/db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["database"].startswith("unreachable")


@pytest.mark.any_database
def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.any_database
def test_pages_have_no_inline_script(client):
    page = client.get("/login").get_data(as_text=True)
    assert "<script>" not in page and "onclick=" not in page
    assert '<script src="/static/js/app.js" defer></script>' in page


def test_session_cookie_flags(client, admin):
    response = client.login(admin[1])
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.mark.any_database
def test_https_makes_cookies_secure_and_sends_hsts(database_uri, tmp_path):
    app = make_test_app(database_uri, HTTPS=True)
    from tests.conftest import reset_schema

    reset_schema(app)
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.any_database
def test_unexpected_error_shows_no_stack_trace(database_uri):
    app = make_test_app(database_uri, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @public
    def explode():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/explode", view_func=explode)
    response = app.test_client().get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internal detail" not in body
    assert "Something went wrong" in body


@pytest.mark.any_database
def test_404_page_is_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_sqlite_is_tuned_for_concurrent_use(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/tuned.sqlite3")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_stylesheets_are_balanced():
    """A merge that drops a closing brace silently disables every rule after it."""
    from pathlib import Path

    for sheet in (Path(__file__).resolve().parents[1] / "static" / "css").glob("*.css"):
        depth = 0
        for char in sheet.read_text():
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, sheet.name
        assert depth == 0, sheet.name
