"""`flask turfs create|list|assign` and `flask walk-sheet`."""

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select

from organizer.audit import services as audit
from organizer.auth.models import User
from organizer.extensions import db
from organizer.turfs import mapping, services, walksheet
from organizer.turfs.models import Turf


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": message}))
    raise click.ClickException(message)


turfs_group = AppGroup("turfs", help="Cut the neighbourhood into turfs and give them to canvassers.")


@turfs_group.command("create")
@click.argument("name")
@click.option("--street", "streets", multiple=True, help="A street (repeat for several).")
@click.option("--side", type=click.Choice(services.SIDES), default="both", show_default=True)
@click.option("--from", "number_from", type=int, help="Lowest house number.")
@click.option("--to", "number_to", type=int, help="Highest house number.")
@click.option("--area", help="A value of the address's area (ward, bureau de vote...).")
@click.option("--polygon", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A GeoJSON file.")
@click.option("--script", help="What to say and ask at the door (printed on the sheet).")
@click.option("--take", is_flag=True, help="Take addresses that belong to other turfs.")
@click.option("--rural", is_flag=True, help="Walk it by number along each road, both sides together.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
def create_command(name, streets, side, number_from, number_to, area, polygon, script, take, rural, as_json):
    """Create turf NAME from streets, a number range, a side, an area or a polygon."""
    with force_locale("en"):
        try:
            geometry = services.parse_geojson(polygon.read_bytes()) if polygon else None
            rule = services.TurfRule(
                streets=list(streets),
                side=side,
                number_from=number_from,
                number_to=number_to,
                area=area,
                polygon=geometry,
            )
            turf = services.create_turf(name, rule, take=take, script=script)
            if rural:
                mapping.set_rural(turf, True)
        except services.OverlapError as error:
            db.session.rollback()
            taken = ", ".join(f"{turf_name} ({count})" for turf_name, count in error.preview.taken)
            _fail(f"{error.preview.taken_count} address(es) belong to other turfs: {taken}. Use --take.", as_json)
        except services.TurfError as error:
            db.session.rollback()
            _fail(str(error), as_json)
        db.session.commit()
        summary = services.turf_summary(turf)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(f"Turf {summary['name']}: {summary['doors']} doors, {summary['residents']} residents.")


@turfs_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per turf, in a list.")
def list_command(as_json):
    """List the turfs with their doors, residents and who holds them."""
    rows = []
    for turf in db.session.scalars(select(Turf).order_by(Turf.name)):
        summary = services.turf_summary(turf)
        summary["assigned"] = [
            {"email": a.user.email, "until": a.until.isoformat()} for a in services.assignments_of(turf)
        ]
        rows.append(summary)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo("No turf yet.")
    for row in rows:
        holders = ", ".join(f"{a['email']} until {a['until']}" for a in row["assigned"]) or "nobody"
        click.echo(f"{row['name']}: {row['doors']} doors, {row['residents']} residents; {holders}")


@turfs_group.command("assign")
@click.argument("name")
@click.argument("email")
@click.option("--until", "until", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True)
def assign_command(name, email, until, as_json):
    """Give turf NAME to the account EMAIL until a date."""
    with force_locale("en"):
        turf = services.find_turf(name)
        if turf is None:
            _fail(f"No turf named {name}.", as_json)
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is None:
            _fail(f"No account with e-mail {email}.", as_json)
        try:
            end = date.fromisoformat(until)
        except ValueError:
            _fail("--until must be a date, YYYY-MM-DD.", as_json)
        try:
            services.assign(turf, user, end)
        except services.TurfError as error:
            db.session.rollback()
            _fail(str(error), as_json)
        db.session.commit()
        summary = services.turf_summary(turf)
    summary.update(assigned_to=user.email, until=end.isoformat())
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(f"Turf {turf.name} assigned to {user.email} until {end.isoformat()}.")


@click.command("walk-sheet")
@click.argument("turf_name", required=False)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="PDF file (a folder with --all).")
@click.option("--all", "all_turfs", is_flag=True, help="One PDF per turf in the --out folder.")
@click.option("--rural", is_flag=True, help="Order by number along each road, both sides together.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), help="Paper size (default: the locale's).")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the sheet (default: the app's).")
@click.option("--json", "as_json", is_flag=True, help="Print pages, doors and files as JSON.")
@with_appcontext
def walk_sheet_command(turf_name, out, all_turfs, rural, paper, lang, as_json):
    """Print the walk sheet of TURF_NAME to a PDF (or of every turf with --all)."""
    if all_turfs == bool(turf_name):
        _fail("Name one turf, or use --all.", as_json)
    if all_turfs:
        turfs = list(db.session.scalars(select(Turf).order_by(Turf.name)))
        out.mkdir(parents=True, exist_ok=True)
        targets = [(turf, out / walksheet.sheet_filename(turf)) for turf in turfs]
    else:
        turf = services.find_turf(turf_name)
        if turf is None:
            _fail(f"No turf named {turf_name}.", as_json)
        if out.parent and not out.parent.exists():
            out.parent.mkdir(parents=True)
        targets = [(turf, out)]
    files = []
    # Templates render as in a request (to PUBLIC_URL, where the QR codes point).
    with current_app.test_request_context(base_url=walksheet.public_root()):
        for turf, path in targets:
            sheet = walksheet.build_sheet(turf, rural=rural, paper=paper, lang=lang)
            path.write_bytes(sheet.pdf)
            audit.record("walk_sheet.print", turf, doors=sheet.doors, via="cli")
            db.session.commit()
            files.append({"turf": turf.name, "file": str(path), "pages": sheet.pages, "doors": sheet.doors})
    if as_json:
        click.echo(json.dumps(files if all_turfs else files[0], ensure_ascii=False))
    else:
        for item in files:
            click.echo(f"{item['file']}: {item['turf']}, {item['doors']} doors, {item['pages']} page(s)")


COMMANDS = [turfs_group, walk_sheet_command]
