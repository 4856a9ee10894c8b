"""`flask privacy purge`: erase residents past the retention period."""

import json

import click
from flask.cli import AppGroup

from organizer.extensions import db
from organizer.privacy import services

privacy_cli = AppGroup("privacy", help="Subject rights and retention.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List who would be erased; erase nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def purge(dry_run: bool, as_json: bool):
    """List, then erase, residents with no contact for longer than RETENTION_MONTHS."""
    candidates = services.past_retention()
    ids = [resident.id for resident in candidates]
    counts = {"residents": 0}
    if not dry_run:
        counts = services.erase_residents(ids, reason="retention")
        db.session.commit()
    if as_json:
        click.echo(json.dumps({"dry_run": dry_run, "candidates": ids, "erased": counts}))
        return
    click.echo(f"cutoff: {services.retention_cutoff():%Y-%m-%d}; {len(ids)} resident(s) past retention")
    for resident in candidates:
        click.echo(f"  #{resident.id}")
    click.echo("dry run: nothing erased" if dry_run else f"erased: {counts}")


COMMANDS = [privacy_cli]
