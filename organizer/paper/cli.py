"""`flask paper read FILE... [--json] [--apply]`: read filled walk sheets from photos or scans."""

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from organizer.audit import services as audit
from organizer.extensions import db
from organizer.paper import services

paper_group = AppGroup("paper", help="Read filled walk sheets back from photos and scans.")


@paper_group.command("read")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per door block found, in a list.")
@click.option("--apply", "apply", is_flag=True, help="Save the confident reads; list the doubtful ones.")
@click.option("--date", "day", help="Day of the round, YYYY-MM-DD (default: today).")
def read_command(files, as_json, apply, day):
    """Read photos (JPEG/PNG) or PDF scans of filled walk sheets. Nothing is saved without --apply."""
    with force_locale("en"):
        try:
            knocked_on = date.fromisoformat(day) if day else services.turfs.local_today()
        except ValueError as error:
            raise click.ClickException("--date must be a date, YYYY-MM-DD.") from error
        outcome = services.read_files([(path.name, path.read_bytes()) for path in files])
        for message in outcome.messages():
            click.echo(message, err=True)
        doors = [door.as_json() for door in outcome.doors]
        if apply:
            decisions, doubtful = services.confident_decisions(outcome.doors)
            saved, refused = services.save(decisions, None, knocked_on)
            audit.record("paper.apply", None, doors=len(outcome.doors), saved=saved, via="cli")
            db.session.commit()
            reasons = {(d.household_id, d.row): str(services.REFUSALS.get(r, r)) for d, r in refused}
            for item in doors:
                for index, row in enumerate(item["rows"]):
                    row["refused"] = reasons.get((item["door"], index))
            click.echo(f"{saved} knock(s) saved; {len(doubtful)} door(s) to review; {len(refused)} refused.", err=True)
            for door in doubtful:
                reason = "; ".join(str(services.DOUBTS[r.reason]) for r in door.rows if r.reason)
                click.echo(f"to review: door {door.household_id} ({door.image}): {reason}", err=True)
    if as_json:
        click.echo(json.dumps(doors, ensure_ascii=False))
    elif not apply:
        for item in doors:
            flag = " (doubtful)" if item["doubtful"] else ""
            click.echo(f"door {item['door']}: {item['result'] or '-'} support {item['support'] or '-'}{flag}")
    if not outcome.doors:
        raise SystemExit(1)


COMMANDS = [paper_group]
