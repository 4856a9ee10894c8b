"""Reading an import file: decoding (UTF-8, BOM, cp1252; `;` `,` tab; XLSX), the known formats and their
columns, recognising a format from its header."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from organizer import spreadsheets
from organizer.residents import columns


def _(text: str, **values) -> str:
    """Translated in a request (web import); plain English on the command line."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


FIELDS = (
    "address",
    "number",
    "suffix",
    "street",
    "unit",
    "building",
    "staircase",
    "floor",
    "door",
    "access_notes",
    "postcode",
    "city",
    "insee_code",
    "area",
    "lat",
    "lon",
    "source_id",
    "first_name",
    "last_name",
    "birth_name",
    "email",
    "phone",
    "phone_alt",
    "birth_date",
    "languages",
    "tags",
    "do_not_contact",
    "note",
)
FIELD_LABELS = {
    "address": _l("Whole address (number, street, unit…)"),
    "number": _l("Number"),
    "suffix": _l("Suffix (bis, ter)"),
    "street": _l("Street"),
    "unit": _l("Unit"),
    "building": _l("Building"),
    "staircase": _l("Staircase"),
    "floor": _l("Floor"),
    "door": _l("Door"),
    "access_notes": _l("Door code and entry notes"),
    "postcode": _l("Postcode"),
    "city": _l("City"),
    "insee_code": _l("INSEE code"),
    "area": _l("Area (ward, polling station)"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
    "source_id": _l("Identifier in the file"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "birth_name": _l("Birth name"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "phone_alt": _l("Other phone"),
    "birth_date": _l("Birth date"),
    "languages": _l("Languages"),
    "tags": _l("Tags"),
    "do_not_contact": _l("Do not contact"),
    "note": _l("Note"),
}
FORMATS = ("auto", "ban", "bal", "openaddresses", "electoral-list", "nationbuilder", "generic")
FORMAT_LABELS = {
    "auto": _l("Recognise from the header"),
    "ban": _l("BAN (legacy national address export)"),
    "bal": _l("Base Adresse Locale (BAL 1.3/1.4)"),
    "openaddresses": _l("OpenAddresses"),
    "electoral-list": _l("Electoral list extract"),
    "nationbuilder": _l("NationBuilder people export"),
    "generic": _l("Other file (choose the columns)"),
}
ADDRESS_ONLY_FORMATS = ("ban", "bal", "openaddresses")

# field -> column, for the formats whose columns are fixed.
FORMAT_COLUMNS = {
    "ban": {
        "source_id": "id",
        "street": "nom_voie",
        "number": "numero",
        "suffix": "rep",
        "insee_code": "code_insee",
        "postcode": "code_post",
        "lon": "lon",
        "lat": "lat",
        "city": "nom_commune",
    },
    "bal": {
        "source_id": "cle_interop",
        "street": "voie_nom",
        "number": "numero",
        "suffix": "suffixe",
        "insee_code": "commune_insee",
        "city": "commune_nom",
        "lon": "long",
        "lat": "lat",
    },
    "openaddresses": {
        "lon": "LON",
        "lat": "LAT",
        "number": "NUMBER",
        "street": "STREET",
        "unit": "UNIT",
        "city": "CITY",
        "area": "DISTRICT",
        "postcode": "POSTCODE",
        "source_id": "ID",
    },
    "electoral-list": {
        "source_id": "NoElecteurGeneral",
        "last_name": "NomDusage",
        "birth_name": "NomdeNaissance",
        "first_name": "Prenoms",
        "birth_date": "DateDeNaissance",
        "area": "NoBureauDeVote",
        "number": "NumeroVoie",
        "street": "LibelleVoie",
        "building": "ComplementDeLocalisation1",
        "door": "ComplementDeLocalisation2",
        "postcode": "CodePostal",
        "city": "VilleLocalite",
        "insee_code": "CodeCommune",
    },
    "nationbuilder": {
        "source_id": "nationbuilder_id",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "mobile_number",
        "street": "primary_address1",
        "unit": "primary_address2",
        "city": "primary_city",
        "postcode": "primary_zip",
        "tags": "tag_list",
        "do_not_contact": "do_not_contact",
        "birth_date": "born_at",
        "note": "note",
    },
}
SIGNATURES = {
    "ban": {"id", "nom_voie", "numero", "rep", "code_insee"},
    "bal": {"cle_interop", "voie_nom", "numero", "suffixe"},
    "openaddresses": {"lon", "lat", "number", "street", "postcode"},
    "electoral-list": {"noelecteurgeneral", "prenoms", "nomdusage", "libellevoie"},
    "nationbuilder": {"nationbuilder_id", "first_name", "last_name"},
}
TRUE_WORDS = {"1", "true", "vrai", "oui", "yes", "y", "o", "x"}
FALSE_WORDS = {"", "0", "false", "faux", "non", "no", "n"}
NUMBER_THEN_STREET = re.compile(r"^\s*(\d+(?:\s*(?:bis|ter|quater|[a-zA-Z])\b)?)[\s,]+(.+)$", re.IGNORECASE)
TAG_SEPARATORS = re.compile(r"[,;|]")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIMITS = {
    "address": 300,
    "access_notes": 200,
    "street": 200,
    "first_name": 100,
    "last_name": 100,
    "birth_name": 100,
    "building": 40,
    "staircase": 20,
    "floor": 20,
    "door": 20,
    "postcode": 10,
    "city": 120,
    "area": 80,
    "source_id": 80,
    "languages": 80,
    "email": 254,
}


class FileProblem(Exception):
    """The file as a whole cannot be read: nothing is written."""


@dataclass
class Table:
    """A decoded file: header and rows of strings."""

    header: list[str]
    rows: list[list[str]]
    encoding: str = ""
    delimiter: str = ""


# --- reading ----------------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(data: bytes, filename: str = "") -> Table:  # noqa: C901 - one decision per kind of file (XLSX, XLS, binary, encoding, delimiter), in the order tried
    """Decode a CSV or XLSX file into header + rows; FileProblem says clearly what is wrong."""
    name = (filename or "").lower()
    if not data or not data.strip():
        raise FileProblem(_("The file is empty."))
    try:
        spreadsheets.check_file_size(len(data))
        if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
            rows = spreadsheets.read_xlsx(data, _cell_text)
            encoding, delimiter = "xlsx", ""
        elif data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
            raise FileProblem(_("Old Excel files (.xls) are not read: save it as XLSX or CSV."))
        elif name and not name.endswith((".csv", ".txt", ".tsv")):
            raise FileProblem(_("Wrong file type: send a CSV or XLSX file."))
        else:
            if b"\x00" in data:
                raise FileProblem(_("The file contains NUL bytes: it is not a text CSV file (UTF-16 or binary?)."))
            text, encoding = _decode(data)
            delimiter = _sniff_delimiter(text.split("\n", 1)[0])
            rows = spreadsheets.read_csv(text, delimiter)
    except spreadsheets.SpreadsheetProblem as problem:
        raise FileProblem(str(problem)) from problem
    rows = [row for row in rows if any(row)]
    if not rows:
        raise FileProblem(_("The file is empty."))
    header = list(rows[0])
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileProblem(_("The first row must name the columns."))
    try:
        spreadsheets.check_header(header)
    except spreadsheets.SpreadsheetProblem as problem:
        raise FileProblem(str(problem)) from problem
    if len(rows) == 1:
        raise FileProblem(_("The file has a header but no rows."))
    return Table(header=header, rows=rows[1:], encoding=encoding, delimiter=delimiter)


def detect_format(header: list[str]) -> str:
    """The known format whose columns the header has, else "generic"."""
    names = {h.strip().lower() for h in header}
    for fmt, signature in SIGNATURES.items():
        if signature <= names:
            return fmt
    return "generic"


def guess_mapping(header: list[str]) -> dict[str, str]:
    """A first mapping for the generic screen: columns named like a field, in French or English."""
    return columns.guess_mapping(header, FIELDS)


def default_source(fmt: str, table: Table) -> str | None:
    """A sensible data source for the format ("BAN 54084"), to be confirmed by the person importing."""
    first = dict(zip([h.lower() for h in table.header], table.rows[0], strict=False)) if table.rows else {}
    if fmt == "ban":
        return f"BAN {first.get('code_insee', '')}".strip()
    if fmt == "bal":
        return f"BAL {first.get('commune_insee', '')}".strip()
    if fmt == "openaddresses":
        return "OpenAddresses"
    if fmt == "electoral-list":
        when = first.get("datecreationliste", "")
        return f"Liste électorale {first.get('nomcommune', '')} {when}".strip()
    if fmt == "nationbuilder":
        return f"Export NationBuilder {date.today().isoformat()}"
    return None
