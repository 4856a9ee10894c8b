"""Several worker processes writing to one SQLite file do not fail with "database is locked"."""

import multiprocessing

from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from tests.conftest import make_test_app, reset_schema

WORKERS = 4
WRITES_PER_WORKER = 25


def _worker(args):
    database_uri, email = args
    app = make_test_app(database_uri)
    client = app.test_client()
    assert client.login(email).status_code == 302
    statuses = []
    for n in range(WRITES_PER_WORKER):
        # Each POST reads (user, session) and then writes (locale, audit): the pattern that deadlocks
        # deferred SQLite transactions.
        response = client.post_form("/language", {"lang": "fr" if n % 2 else "en", "next": "/"})
        statuses.append(response.status_code)
        with app.test_request_context(method="POST"):
            from organizer.audit import services as audit

            audit.record("test.write", None, worker=email, n=n)
            db.session.commit()
    return statuses


def test_concurrent_writers_do_not_hit_database_is_locked(tmp_path):
    uri = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    app = make_test_app(uri)
    reset_schema(app)
    from organizer.auth import services as auth_services

    emails = [f"worker{n}@example.org" for n in range(WORKERS)]
    with app.app_context():
        for email in emails:
            auth_services.create_user(email, email, "organizer", password="correct horse battery")
        db.session.commit()
        db.engine.dispose()
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        results = pool.map(_worker, [(uri, email) for email in emails])
    assert all(status == 302 for statuses in results for status in statuses)
    with app.app_context():
        written = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "test.write"))
        assert written == WORKERS * WRITES_PER_WORKER
