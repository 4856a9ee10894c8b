"""`flask demo load`: the demonstration organization."""

import click
from flask.cli import AppGroup

from organizer.demo.services import load_demo_data
from organizer.extensions import db

demo_cli = AppGroup("demo", help="A demo organization with realistic French data.")


@demo_cli.command("load")
def load_demo():
    """Load the demo organization (running it again changes nothing)."""
    report = load_demo_data()
    db.session.commit()
    if report.created:
        click.echo(f"demo loaded: {', '.join(f'{n} {k}' for k, n in report.created.items())}")
    else:
        click.echo("demo already loaded: nothing changed")
    for email, password, role in report.logins:
        click.echo(f"  {role:<10} {email}  /  {password}")


COMMANDS = [demo_cli]
