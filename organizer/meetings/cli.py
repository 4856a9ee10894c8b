"""`flask agenda MEETING_ID --out FILE.pdf [--lang fr|en] [--sign-in] [--blank N]`: print from the command line."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from organizer.audit import services as audit
from organizer.extensions import db
from organizer.files import write_private
from organizer.meetings import printing, services


@click.command("agenda")
@click.argument("meeting_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Language (default: the deployment's).")
@click.option("--sign-in", "sign_in", is_flag=True, help="Print the sign-in sheet instead of the agenda.")
@click.option(
    "--blank",
    type=click.IntRange(0, 100),
    default=printing.DEFAULT_BLANK_LINES,
    show_default=True,
    help="Blank lines on the sign-in sheet.",
)
@with_appcontext
def agenda_command(meeting_id: int, out: str, lang: str | None, sign_in: bool, blank: int) -> None:
    """Write the printable agenda (or the sign-in sheet) of a meeting to a PDF file."""
    meeting = services.load_meeting(meeting_id)
    if meeting is None:
        raise click.ClickException(f"no meeting {meeting_id}")
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        pdf = printing.sign_in_pdf(meeting, blank) if sign_in else printing.agenda_pdf(meeting)
    write_private(Path(out), pdf)
    audit.record("meeting.print", meeting, kind="sign_in" if sign_in else "agenda", via="cli")
    db.session.commit()
    click.echo(f"{out}: {len(pdf)} bytes")


COMMANDS = [agenda_command]
