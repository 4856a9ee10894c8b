"""`flask mail ...`: where e-mail goes, and sending what is due by hand."""

import json

import click
from flask.cli import AppGroup

from organizer.extensions import db
from organizer.mail import services

mail_cli = AppGroup("mail", help="Outgoing e-mail.")


@mail_cli.command("status")
def status():
    """Say where e-mail goes (SMTP server or the outbox folder)."""
    click.echo(services.mail_status_line())


@mail_cli.command("send")
@click.option("--retry-failed", is_flag=True, help="Queue the messages that gave up again first.")
def send(retry_failed: bool):
    """Send the queued messages that are due now."""
    if retry_failed:
        services.retry_failed()
        db.session.commit()
    click.echo(json.dumps(services.deliver_due()))


COMMANDS = [mail_cli]
