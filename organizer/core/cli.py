"""`flask backup --out FILE` and `flask restore FILE`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from organizer.audit import services as audit
from organizer.core import backup as backups
from organizer.extensions import db


@click.command("backup")
@with_appcontext
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(out: Path):
    """Back the database up to FILE (safe while the app runs). The file holds personal data: encrypt it."""
    try:
        kind = backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], out)
    except Exception as error:  # noqa: BLE001 - reported, exit non-zero
        raise click.ClickException(f"backup failed: {error}") from error
    audit.record("database.backup", None, format=kind)
    db.session.commit()
    click.echo(f"backup written to {out} ({kind}, {out.stat().st_size} bytes)")


@click.command("restore")
@with_appcontext
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(backup_file: Path, yes: bool):
    """Replace the database's content with BACKUP_FILE. Stop the app first."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        backups.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], backup_file)
    except Exception as error:  # noqa: BLE001
        raise click.ClickException(f"restore failed: {error}") from error
    click.echo(f"restored from {backup_file}")


COMMANDS = [backup_command, restore_command]
