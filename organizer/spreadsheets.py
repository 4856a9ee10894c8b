"""Spreadsheets in and out. Out: neutralise what a spreadsheet would run as a formula. In: read CSV and XLSX
within limits checked before the parsing starts (sizes, rows, cells), so a small file that expands to
gigabytes or declares a million rows is refused in well under a second, on the web and on the command line."""

import csv
import io
import re
import zipfile
from collections import Counter

from flask import has_request_context
from flask_babel import gettext

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Limits of an imported file (a large town's electoral list is well inside them).
MAX_FILE_BYTES = 100 * 1024 * 1024  # as sent (CSV, or the XLSX archive)
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # everything an XLSX archive expands to
MAX_ROWS = 250_000
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000  # filled cells of an XLSX sheet
_SCAN_CHUNK = 1024 * 1024


class SpreadsheetProblem(ValueError):
    """The file is refused as a whole; the message says why in the reader's language."""


def _(text: str, **values) -> str:
    """Translated in a request (web import); plain English on the command line."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


def neutralise_cell(value):
    """Prefix a quote to text starting with = + - @ tab or CR (CSV injection); other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise(row):
    """neutralise_cell() over a row."""
    return [neutralise_cell(value) for value in row]


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def check_file_size(size: int) -> None:
    """Refuse a file larger than MAX_FILE_BYTES before reading it (the CLI checks the size on disk)."""
    if size > MAX_FILE_BYTES:
        raise SpreadsheetProblem(
            _("The file is larger than %(limit)s MB: split it into smaller files.", limit=_megabytes(MAX_FILE_BYTES))
        )


def _too_many_rows() -> SpreadsheetProblem:
    return SpreadsheetProblem(
        _("The file has more than %(max)s rows: split it into smaller files.", max=f"{MAX_ROWS:,}".replace(",", " "))
    )


def _too_wide(row: int) -> SpreadsheetProblem:
    return SpreadsheetProblem(_("Row %(row)s has more than %(max)s columns.", row=row, max=MAX_COLUMNS))


# --- CSV --------------------------------------------------------------------------------------------------


def read_csv(text: str, delimiter: str) -> list[list[str]]:
    """The rows of a decoded CSV text, cells stripped; refused beyond MAX_ROWS lines or MAX_COLUMNS columns."""
    if text.count("\n") > MAX_ROWS + 1:  # counted before parsing (quoted line breaks only make it larger)
        raise _too_many_rows()
    rows = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(cells) > MAX_COLUMNS and any(c.strip() for c in cells[MAX_COLUMNS:]):
                raise SpreadsheetProblem(
                    _(
                        "Row %(row)s has %(count)s columns; at most %(max)s are read.",
                        row=len(rows) + 1,
                        count=len(cells),
                        max=MAX_COLUMNS,
                    )
                )
            rows.append([c.strip() for c in cells[:MAX_COLUMNS]])
    except csv.Error as error:
        raise SpreadsheetProblem(_("The CSV cannot be read: %(error)s.", error=str(error))) from error
    return rows


# --- XLSX -------------------------------------------------------------------------------------------------

_ROW_TAGS = (b"<row ", b"<row>")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
_TAG_OVERLAP = 8  # longer than any counted tag
_ROW_NUMBER = re.compile(rb'<row\b[^>]{0,200}?\br="(\d{1,9})"')


def _count(data: bytes, tags: tuple[bytes, ...]) -> int:
    return sum(data.count(tag) for tag in tags)


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Sizes as the archive declares them (zipfile never inflates a member past its declared size)."""
    members = archive.infolist()
    if len(members) > 10_000:
        raise SpreadsheetProblem(_("This XLSX file has too many parts to be a spreadsheet."))
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetProblem(
            _(
                "This XLSX file expands to %(size)s MB, more than the %(limit)s MB read: split it into smaller files.",
                size=_megabytes(expanded),
                limit=_megabytes(MAX_UNCOMPRESSED_BYTES),
            )
        )


def _check_sheet_counts(archive: zipfile.ZipFile, member: str) -> None:
    """Count the rows and cells of the sheet's XML by streaming it, before any parsing."""
    rows = cells = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            window = tail + chunk
            tail = window[-_TAG_OVERLAP:]
            # A tag cut by the chunk boundary lies whole in the next window; one inside the tail is counted
            # there, so it is left out here.
            rows += _count(window, _ROW_TAGS) - _count(tail, _ROW_TAGS)
            # Row numbers: the reader fills in missing rows, so <row r="1048576"> alone means a million rows.
            numbers = _ROW_NUMBER.findall(window)
            if rows > MAX_ROWS + 1 or (numbers and max(map(int, numbers)) > MAX_ROWS + 1):
                raise _too_many_rows()
            cells += _count(window, _CELL_TAGS) - _count(tail, _CELL_TAGS)
            if cells > MAX_CELLS:
                raise SpreadsheetProblem(
                    _(
                        "The sheet has more than %(max)s filled cells: split it into smaller files.",
                        max=f"{MAX_CELLS:,}".replace(",", " "),
                    )
                )
    if rows + _count(tail, _ROW_TAGS) > MAX_ROWS + 1:
        raise _too_many_rows()


def read_xlsx(data: bytes, cell_text) -> list[list[str]]:
    """The rows of the first sheet as text (`cell_text(value)`), read in openpyxl's streaming (read-only) mode.

    The archive's sizes and the sheet's row and cell counts are checked first; the sheet's declared
    dimension is ignored (a tiny file may declare A1:XFD1048576), and rows stop at MAX_ROWS."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        message = _("This XLSX file cannot be opened (%(error)s).", error=type(error).__name__)
        raise SpreadsheetProblem(message) from error
    with archive:
        _check_archive(archive)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a broken archive
            raise SpreadsheetProblem(
                _("This XLSX file cannot be opened (%(error)s).", error=type(error).__name__)
            ) from error
        try:
            sheet = workbook.worksheets[0]
            _check_sheet_counts(archive, getattr(sheet, "_worksheet_path", "xl/worksheets/sheet1.xml"))
            sheet.reset_dimensions()  # trust the cells, not the dimension the file declares
            rows = []
            for count, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
                if count > MAX_ROWS + 1:  # missing rows are filled in: counted too
                    raise _too_many_rows()
                width = len(values)
                while width and values[width - 1] in (None, ""):
                    width -= 1
                if width > MAX_COLUMNS:
                    raise _too_wide(count)
                rows.append([cell_text(value) for value in values[:width]])
        finally:
            workbook.close()
    return rows


# --- header -----------------------------------------------------------------------------------------------


def check_header(header: list[str]) -> None:
    """Refuse a header naming a column twice (compared without case or surrounding spaces): the values of
    one would silently replace the other's."""
    names = [name.strip().lower() for name in header if name.strip()]
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        shown = [next(h.strip() for h in header if h.strip().lower() == name) for name in repeated]
        raise SpreadsheetProblem(
            _(
                "These columns appear more than once in the header: %(names)s. Rename or remove the copies.",
                names=", ".join(f"“{name}”" for name in shown),
            )
        )
