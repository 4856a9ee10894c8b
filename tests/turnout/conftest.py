"""Fixtures: a real SMTP server on the loopback, and the app pointed at it."""

import pytest

from tests.conftest import make_test_app, reset_schema
from tests.turnout.smtp import SmtpServer


@pytest.fixture
def smtp():
    """A collecting SMTP server on 127.0.0.1 (aiosmtpd)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(database_uri, tmp_path, smtp):
    """The app with jobs inline and e-mail going to the loopback server."""
    from organizer.extensions import db

    app = make_test_app(
        database_uri, JOBS_RUN_INLINE=True, PUBLIC_URL="https://organizer.example.org/", **smtp.config()
    )
    app.instance_path = str(tmp_path / "instance")
    reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
