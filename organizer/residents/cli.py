"""`flask residents import|export`: the same import and export code as the web pages."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from organizer import spreadsheets
from organizer.audit import services as audit
from organizer.extensions import db
from organizer.files import write_private
from organizer.residents import exporting
from organizer.residents.importing import FileProblem, run_import
from organizer.residents.models import Resident, Tag, resident_tags

residents_cli = AppGroup("residents", help="Import and export residents and addresses.")


def _parse_map(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--map")
        field, column = pair.split("=", 1)
        mapping[field.strip()] = column.strip()
    return mapping


@residents_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    default="auto",
    type=click.Choice(["auto", "ban", "bal", "openaddresses", "electoral-list", "nationbuilder", "generic"]),
    help="File format; auto recognises the known formats by their header.",
)
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Which column holds which field.")
@click.option("--source", default=None, help='Data source recorded on each resident ("Porte-à-porte 2026").')
@click.option(
    "--basis",
    type=click.Choice(["consent", "legitimate_interest", "membership", "electoral_list"]),
    default=None,
    help="Legal basis recorded on each new resident (default: electoral_list for the electoral list, "
    "else legitimate_interest).",
)
@click.option("--purpose", default=None, help='What the data is kept for ("Campagne loyers 2026").')
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows; write the others to FILE.rejects.csv.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def import_command(file: Path, fmt, maps, source, basis, purpose, dry_run, skip_invalid, as_json):
    """Import FILE (CSV or XLSX): all rows or none, unless --skip-invalid."""
    mapping = _parse_map(maps)
    try:
        spreadsheets.check_file_size(file.stat().st_size)  # before reading it into memory
        report = run_import(
            file.read_bytes(),
            file.name,
            fmt=fmt,
            mapping=mapping,
            source=source,
            basis=basis,
            purpose=purpose,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )
    except (FileProblem, spreadsheets.SpreadsheetProblem) as problem:
        db.session.rollback()
        if as_json:
            click.echo(json.dumps({"error": str(problem)}, ensure_ascii=False))
        else:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    if report.written:
        db.session.commit()
    else:
        db.session.rollback()
    rejects = None
    if skip_invalid and report.rejected_rows and not dry_run:
        rejects = file.with_name(file.name + ".rejects.csv")
        write_private(rejects, report.rejects_csv(), encoding="utf-8-sig")
    if as_json:
        payload = report.as_json()
        if rejects:
            payload["rejects_file"] = str(rejects)
        click.echo(json.dumps(payload, ensure_ascii=False, default=str))
    else:
        state = "dry run, nothing written" if dry_run else ("written" if report.written else "NOTHING WRITTEN")
        created = report.created
        click.echo(
            f"{report.format}, {report.rows} rows ({state}); source: {report.source or '-'}\n"
            f"created: {created['addresses']} addresses, {created['households']} households, "
            f"{created['residents']} residents; updated {report.updated}, unchanged {report.unchanged}, "
            f"rejected {report.rejected}"
        )
        for error in report.errors[:200]:
            click.echo(f"  row {error.row}, column {error.column or '-'}: {error.message}", err=True)
        if len(report.errors) > 200:
            click.echo(f"  ... and {len(report.errors) - 200} more", err=True)
        if rejects:
            click.echo(f"rejected rows written to {rejects}")
    sys.exit(0 if report.ok else 1)


@residents_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--delimiter", default=";", show_default=True, help="CSV separator.")
@click.option("--tag", default=None, help="Only residents with this tag.")
def export_command(file: Path, delimiter: str, tag: str | None):
    """Export every resident to FILE (.csv or .xlsx); audited like a web export."""
    query = select(Resident)
    if tag:
        tag_ids = select(Tag.id).where(Tag.name == tag.strip().lower())
        query = query.where(
            Resident.id.in_(select(resident_tags.c.resident_id).where(resident_tags.c.tag_id.in_(tag_ids)))
        )
    support = current_app.config["SUPPORT_LEVELS_ENABLED"]
    if file.suffix.lower() == ".xlsx":
        data, count = exporting.to_xlsx(query, support_enabled=support)
        fmt = "xlsx"
    else:
        data, count = exporting.to_csv(query, delimiter=delimiter, support_enabled=support)
        fmt = "csv"
    write_private(file, data)
    audit.record("residents.export", None, count=count, format=fmt, via="cli")
    db.session.commit()
    click.echo(f"{count} residents written to {file}")


COMMANDS = [residents_cli]
