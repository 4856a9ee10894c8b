"""Consistent backups of the database while the app runs: SQLite's online backup API, or pg_dump."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from organizer.files import create_private


def libpq_url(database_uri: str) -> str:
    """The SQLAlchemy URL as pg_dump/pg_restore understand it."""
    return make_url(database_uri).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(database_uri: str, out: Path) -> str:
    """Write a backup of the database to `out`; return its format ("sqlite" or "pg_dump custom")."""
    url = make_url(database_uri)
    out.parent.mkdir(parents=True, exist_ok=True)
    create_private(out)  # the copy of everyone's data: 0600 before a byte is written
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # a consistent copy, even with writers (WAL)
        finally:
            target.close()
            source.close()
        return "sqlite"
    pg_dump = shutil.which("pg_dump")
    if not pg_dump:
        raise RuntimeError("pg_dump not found: install the PostgreSQL client")
    subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(out), libpq_url(database_uri)],
        check=True,
        capture_output=True,
        text=True,
    )
    return "pg_dump custom"


def restore(database_uri: str, backup_file: Path) -> None:
    """Replace the database's content with the backup (the app should be stopped)."""
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(backup_file)
        target = sqlite3.connect(url.database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    pg_restore = shutil.which("pg_restore")
    if not pg_restore:
        raise RuntimeError("pg_restore not found: install the PostgreSQL client")
    subprocess.run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--dbname", libpq_url(database_uri), str(backup_file)],
        check=True,
        capture_output=True,
        text=True,
    )
