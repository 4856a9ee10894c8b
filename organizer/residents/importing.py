"""Imports of addresses and residents from CSV/XLSX files: one code path for the web and the CLI.

read_table() decodes the file (UTF-8, UTF-8 with BOM, cp1252; `;` `,` or tab; XLSX), detect_format()
recognises the known formats by their header, run_import() validates every row and then writes all of
them or none (unless skip_invalid), matching what already exists so a re-import creates nothing.

The steps live in import_reading.py, import_rows.py and import_writer.py; what callers use is re-exported here.
"""

from collections.abc import Callable

from flask import current_app, has_request_context
from flask_babel import force_locale, gettext

from organizer.audit import services as audit
from organizer.extensions import db
from organizer.residents.import_reading import (
    FIELD_LABELS,
    FIELDS,
    FORMAT_COLUMNS,
    FORMAT_LABELS,
    FORMATS,
    FileProblem,
    Table,
    _,
    default_source,
    detect_format,
    guess_mapping,
    read_table,
)
from organizer.residents.import_rows import ImportReport, RowError, _clean, _extract
from organizer.residents.import_writer import _Writer

# What callers use, whichever step module defines it.
__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "FORMATS",
    "FORMAT_LABELS",
    "PROGRESS_EVERY",
    "FileProblem",
    "ImportReport",
    "RowError",
    "Table",
    "default_basis",
    "default_purpose",
    "default_source",
    "detect_format",
    "guess_mapping",
    "read_table",
    "run_import",
]

PROGRESS_EVERY = 1000  # rows checked between two progress reports of a background import


def default_basis(fmt: str) -> str:
    """The legal basis proposed for a file: the electoral list's own, else the association's legitimate interest."""
    return "electoral_list" if fmt == "electoral-list" else "legitimate_interest"


def default_purpose(fmt: str) -> str:
    """The purpose proposed for a file, to be confirmed by the person importing; stored on residents, so in
    the page's language, or the organization's outside a request (command line, demo)."""

    def proposed() -> str:
        if fmt == "electoral-list":
            return gettext("Electoral communication")
        return gettext("Community organizing: meetings, actions and follow-up")

    if has_request_context():
        return proposed()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return proposed()


def run_import(  # noqa: C901 - the import's steps in order (read, map, check rows, write or dry run), read in one place
    data: bytes,
    filename: str = "",
    *,
    fmt: str = "auto",
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    user_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    basis: str | None = None,
    purpose: str | None = None,
) -> ImportReport:
    """Validate every row, then write all of them (or, with skip_invalid, the valid ones); never commits.

    Raises FileProblem when the file itself is unreadable or the mapping/source is missing. New residents
    record `basis` and `purpose` (the format's defaults when not given; the electoral list's basis is always
    "electoral_list": its use is restricted by law).
    `progress(done, total)` is told every PROGRESS_EVERY rows checked; the total counts the rows and one
    last step, the writing (bulk statements, in one transaction that must not wait on anything).
    """
    table = read_table(data, filename)
    detected = detect_format(table.header) if fmt == "auto" else fmt
    if detected not in FORMATS or detected == "auto":
        raise FileProblem(_("Unknown format “%(format)s”.", format=fmt))
    header_lower = {h.strip().lower(): h for h in table.header}
    if detected == "generic":
        if not mapping:
            raise FileProblem(_("This file is not a known format: say which column holds which field (mapping)."))
        columns = dict(mapping)
    else:
        columns = {**FORMAT_COLUMNS[detected], **(mapping or {})}
    unknown_fields = sorted(set(columns) - set(FIELDS))
    if unknown_fields:
        raise FileProblem(_("Unknown field(s): %(fields)s.", fields=", ".join(unknown_fields)))
    missing = sorted({col for col in (mapping or {}).values() if col.strip().lower() not in header_lower})
    if missing:
        raise FileProblem(_("No such column in the file: %(columns)s.", columns=", ".join(missing)))
    columns = {f: header_lower.get(c.strip().lower(), c) for f, c in columns.items()}
    if detected == "generic" and not ({"street", "last_name", "first_name"} & set(columns)):
        raise FileProblem(_("Map at least a street or a name column."))
    source = (source or "").strip() or default_source(detected, table)
    basis = "electoral_list" if detected == "electoral-list" else (basis or default_basis(detected))
    purpose = ((purpose or "").strip() or default_purpose(detected))[:200]
    report = ImportReport(format=detected, source=source, rows=len(table.rows), header=table.header, dry_run=dry_run)
    keys = [h.strip().lower() for h in table.header]
    lower_columns = {f: c.strip().lower() for f, c in columns.items()}
    header_names = {h.strip().lower(): h for h in table.header}
    header_names.setdefault("lieudit", "LieuDit")
    header_names.setdefault("nomdenaissance", "NomdeNaissance")
    records = []
    total = len(table.rows) + 1
    if progress:
        progress(0, total)
    for index, cells in enumerate(table.rows, start=2):
        if progress and index > 2 and (index - 2) % PROGRESS_EVERY == 0:
            progress(index - 2, total)
        extra = [c for c in cells[len(keys) :] if c]
        by_column = dict(zip(keys, cells, strict=False))
        raw, used = _extract(detected, by_column, lower_columns)
        values, errors = _clean(detected, raw, used, index, header_names)
        if extra:
            errors.append(RowError(index, None, _("more values than columns in the header")))
        if errors:
            report.errors.extend(errors)
            report.rejected += 1
            report.rejected_rows.append((index, cells, "; ".join(f"{e.column or ''}: {e.message}" for e in errors)))
        else:
            values["row"] = index
            records.append(values)
    if progress:
        progress(len(table.rows), total)
    people = any(values["has_person"] for values in records)
    if people and not source and not dry_run:
        raise FileProblem(_("Say where these people come from (data source)."))
    if report.errors and not skip_invalid:
        return report  # all or nothing: nothing written, the report says why
    if dry_run:
        # Count what would happen, then leave the database as it was.
        with db.session.begin_nested() as savepoint:
            writer = _Writer(report, source or "", detected, user_id, basis=basis, purpose=purpose)
            writer.load()
            writer.write(records)
            savepoint.rollback()
        report.written = False
        return report
    writer = _Writer(report, source or "", detected, user_id, basis=basis, purpose=purpose)
    writer.load()
    writer.write(records)
    audit.record(
        "residents.import",
        None,
        actor_id=user_id,
        format=detected,
        filename=(filename or "")[-120:],
        rows=report.rows,
        created=dict(report.created),
        updated=report.updated,
        rejected=report.rejected,
        basis=basis,
        purpose=purpose,
    )
    report.written = True
    return report
