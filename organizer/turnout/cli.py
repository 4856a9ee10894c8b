"""`flask reminders send`: the day-before and morning-of e-mails, for cron."""

import json

import click
from flask.cli import AppGroup

from organizer.turnout import reminders

reminders_cli = AppGroup("reminders", help="Reminders to residents who signed up.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Say what would be sent, send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def send(dry_run: bool, as_json: bool):
    """Queue the reminders due now (day before, morning of) and send all e-mail that is due."""
    result = reminders.send(dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(result))
        return
    counts = result["reminders"]
    verb = "would queue" if dry_run else "queued"
    click.echo(f"{verb} {counts['day_before']} day-before and {counts['morning_of']} morning-of reminder(s)")
    if not dry_run:
        mail = result["mail"]
        click.echo(f"e-mail: {mail['sent']} sent, {mail['retry']} to retry, {mail['failed']} failed")


COMMANDS = [reminders_cli]
