"""`flask report listening ...`: print the listening report from the command line."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from organizer.audit import services as audit
from organizer.reports.services import PLACE_KINDS, ReportQuery
from organizer.reports.views import print_report

report_cli = AppGroup("report", help="Reports: what we heard.")


@report_cli.command("listening")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day, included.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@click.option("--public", is_flag=True, help="For decision makers: counts under 5 hidden, consenting quotes only.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Language (default: the app's).")
@click.option("--turf", "turf_ids", type=int, multiple=True, help="Only this turf id (repeatable).")
@click.option("--area", "areas", multiple=True, help="Only this area (repeatable).")
@click.option("--by", type=click.Choice(PLACE_KINDS), default="turf", help="Group places by turf or area.")
def listening(start, end, out: Path, public: bool, lang, turf_ids, areas, by):
    """Write the listening report for a period as PDF."""
    if start > end:
        raise click.BadParameter("--from must not be after --to", param_hint="--from")
    query = ReportQuery(
        start=start.date(), end=end.date(), turf_ids=tuple(turf_ids) or None, areas=tuple(areas) or None, by=by
    )
    lang = lang or current_app.config["BABEL_DEFAULT_LOCALE"]
    with current_app.test_request_context(), force_locale(lang):
        pdf = print_report(query, public=public)
        audit.record_now("report.print", None, public=public, period=f"{query.start}/{query.end}", via="cli")
    out.write_bytes(pdf)
    click.echo(f"wrote {out} ({len(pdf)} bytes, {'public' if public else 'internal'})")


COMMANDS = [report_cli]
