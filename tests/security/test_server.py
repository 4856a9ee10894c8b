"""The server's own defences: a configured key in production, no versions in headers, SQLite secure_delete,
files holding personal data readable by their owner only."""

import json
import os
import stat
import threading
import urllib.request
from multiprocessing import get_context
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from organizer import config as config_module
from organizer.extensions import db
from tests.conftest import make_test_app
from tests.residents.conftest import NATIONBUILDER


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """The umask most servers run with (022): files would be world-readable unless opened 0600."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_production_start_without_a_secret_key_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="ORGANIZER_SECRET_KEY is not set"):
        make_test_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", SECRET_KEY=None, PRODUCTION=True)


def test_under_gunicorn_is_production(tmp_path, monkeypatch):
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    with pytest.raises(RuntimeError, match="ORGANIZER_SECRET_KEY is not set"):
        make_test_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", SECRET_KEY=None)
    # With the key configured it starts.
    assert make_test_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", SECRET_KEY="configured").config["SECRET_KEY"]


def test_an_empty_key_file_is_refused_not_used(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="empty"):
        config_module.instance_secret_key(str(tmp_path))


def _read_key(folder: str, barrier) -> str:
    barrier.wait()
    return config_module.instance_secret_key(folder)


def test_workers_starting_together_share_one_whole_key(tmp_path):
    context = get_context("fork")
    for attempt in range(5):
        folder = tmp_path / str(attempt)
        barrier = context.Manager().Barrier(6)
        with context.Pool(6) as pool:
            keys = pool.starmap(_read_key, [(str(folder), barrier)] * 6)
        assert len(set(keys)) == 1 and len(keys[0]) == 64
        assert _mode(folder / "secret_key") == 0o600


def test_development_server_header_names_no_versions(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz") as response:  # noqa: S310
            headers = response.headers.get_all("Server")
    finally:
        server.shutdown()
    assert headers == ["Organizer"]


def test_sqlite_overwrites_deleted_content(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with app.app_context():
        assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_new_sqlite_database_is_private(tmp_path, loose_umask):
    uri = config_module.default_database_uri(str(tmp_path / "instance"))
    app = make_test_app(uri)
    with app.app_context():
        db.create_all()
    database = Path(uri.removeprefix("sqlite:///"))
    assert _mode(database) == 0o600
    assert all(_mode(path) == 0o600 for path in database.parent.glob("organizer.sqlite3*"))


def test_backup_file_is_private(app, runner, tmp_path, loose_umask):
    out = tmp_path / "organizer.backup"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o600


def test_cli_export_and_rejects_are_private(app, runner, tmp_path, loose_umask):
    source = tmp_path / "nb.csv"
    source.write_text(NATIONBUILDER + "104,Zoé,Bad,not-an-email,,,,,,,,\n")
    result = runner.invoke(args=["residents", "import", str(source), "--skip-invalid", "--json"])
    rejects = Path(json.loads(result.output)["rejects_file"])
    assert _mode(rejects) == 0o600
    export = tmp_path / "everyone.csv"
    assert runner.invoke(args=["residents", "export", str(export)]).exit_code == 0
    assert _mode(export) == 0o600


def test_web_upload_is_private(app, client, make_user, loose_umask, tmp_path):
    import io

    # Uploads are job files (organizer.jobs.files): in the shared folder when one is set, 0600 there.
    app.config["SHARED_FOLDER"] = str(tmp_path / "shared")
    _id, email = make_user("organizer")
    client.login(email)
    response = client.post_form(
        "/residents/import",
        {"file": (io.BytesIO(NATIONBUILDER.encode()), "people.csv"), "format": "auto"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    folder = tmp_path / "shared" / "imports"
    files = list(folder.iterdir())
    assert files and all(_mode(path) == 0o600 for path in files)
    assert _mode(folder) == 0o700
