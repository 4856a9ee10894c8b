"""`flask` sub-commands: users, demo."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from organizer.auth import services as auth_services
from organizer.auth.models import Role
from organizer.extensions import db

users_cli = AppGroup("users", help="Manage who has access.")
demo_cli = AppGroup("demo", help="A demonstration organization with French data.")


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
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.ClickException("the password must have at least 10 characters")
    user, _token = auth_services.create_user(email, name, role, password=password)
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@demo_cli.command("load")
def load_demo():
    """Load the demo organization (running it again changes nothing)."""
    from organizer.demo.services import load_demo_data

    report = load_demo_data()
    db.session.commit()
    if report.created:
        click.echo(f"demo loaded: {', '.join(f'{n} {k}' for k, n in report.created.items())}")
    else:
        click.echo("demo already loaded: nothing changed")
    for email, password, role in report.logins:
        click.echo(f"  {role:<10} {email}  /  {password}")


def register_commands(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
