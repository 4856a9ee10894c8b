"""`flask users ...`: accounts from the command line (create one with a password, or invite someone by e-mail)."""

import sys

import click
from flask.cli import AppGroup

from organizer.auth import services as auth_services
from organizer.auth.models import Role
from organizer.auth.passwords import password_problem
from organizer.extensions import db
from organizer.mail.services import deliver_due
from organizer.users.mailing import invitation_url, queue_invitation

users_cli = AppGroup("users", help="Manage who has access.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Display name (defaults to the e-mail's local part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, name: str, password_stdin: bool):
    """Create an account with a password (prompted unless --password-stdin)."""
    if auth_services.find_user_by_email(email):
        raise click.ClickException(f"a user with e-mail {email} already exists")
    if password_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    user, _token = auth_services.create_user(email, name, role, password=password)
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@users_cli.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Display name (defaults to the e-mail's local part).")
def invite_user(email: str, role: str, name: str):
    """Create an account and e-mail its invitation link (also printed here)."""
    if auth_services.find_user_by_email(email):
        raise click.ClickException(f"a user with e-mail {email} already exists")
    user, token = auth_services.create_user(email, name, role)
    queue_invitation(user, token)
    db.session.commit()
    counts = deliver_due()
    click.echo(f"invited {user.email} ({user.role}): {invitation_url(token)}")
    if not counts["sent"]:
        click.echo("the e-mail could not be sent now; it will be retried (see flask mail send)", err=True)


COMMANDS = [users_cli]
