"""Imports of addresses and residents from CSV/XLSX files: one code path for the web and the CLI.

read_table() decodes the file (UTF-8, UTF-8 with BOM, cp1252; `;` `,` or tab; XLSX), detect_format()
recognises the known formats by their header, run_import() validates every row and then writes all of
them or none (unless skip_invalid), matching what already exists so a re-import creates nothing.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from flask import has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.db import utcnow
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident, Tag, resident_tags
from organizer.residents.normalize import fold, name_key, normalize_suffix, phone_e164, split_number, street_key

MAX_COLUMNS = 200
PROGRESS_EVERY = 1000  # rows checked between two progress reports of a background import


def _(text: str, **values) -> str:
    """Translated in a request (web import); plain English on the command line."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


FIELDS = (
    "number",
    "suffix",
    "street",
    "unit",
    "building",
    "staircase",
    "floor",
    "door",
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
    "birth_date",
    "languages",
    "tags",
    "do_not_contact",
    "note",
)
FIELD_LABELS = {
    "number": _l("Number"),
    "suffix": _l("Suffix (bis, ter)"),
    "street": _l("Street"),
    "unit": _l("Unit"),
    "building": _l("Building"),
    "staircase": _l("Staircase"),
    "floor": _l("Floor"),
    "door": _l("Door"),
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


@dataclass
class RowError:
    """What is wrong with one cell (or row) of the file; row 1 is the header."""

    row: int
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import did (or would do, on a dry run)."""

    format: str = ""
    source: str | None = None
    rows: int = 0
    created: dict = field(default_factory=lambda: {"addresses": 0, "households": 0, "residents": 0})
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[tuple[int, list[str], str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors or self.written

    def as_json(self) -> dict:
        return {
            "format": self.format,
            "source": self.source,
            "rows": self.rows,
            "created": dict(self.created),
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "dry_run": self.dry_run,
            "written": self.written,
            "errors": [error.as_dict() for error in self.errors],
        }

    def rejects_csv(self) -> str:
        """The rejected rows with their reasons, as CSV text."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["row", "error", *self.header])
        for row_number, cells, reason in self.rejected_rows:
            writer.writerow([row_number, reason, *cells])
        return out.getvalue()


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


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken archive
        raise FileProblem(_("This XLSX file cannot be opened (%(error)s).", error=type(error).__name__)) from error
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        if len(values) > MAX_COLUMNS and any(v not in (None, "") for v in values[MAX_COLUMNS:]):
            raise FileProblem(_("Row %(row)s has more than %(max)s columns.", row=len(rows) + 1, max=MAX_COLUMNS))
        rows.append([_cell_text(v) for v in values[:MAX_COLUMNS]])
    workbook.close()
    return rows


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


def read_table(data: bytes, filename: str = "") -> Table:
    """Decode a CSV or XLSX file into header + rows; FileProblem says clearly what is wrong."""
    name = (filename or "").lower()
    if not data or not data.strip():
        raise FileProblem(_("The file is empty."))
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        rows = _read_xlsx(data)
        encoding, delimiter = "xlsx", ""
    elif data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise FileProblem(_("Old Excel files (.xls) are not read: save it as XLSX or CSV."))
    elif name and not name.endswith((".csv", ".txt", ".tsv")):
        raise FileProblem(_("Wrong file type: send a CSV or XLSX file."))
    else:
        if b"\x00" in data:
            raise FileProblem(_("The file contains NUL bytes: it is not a text CSV file (UTF-16 or binary?)."))
        text, encoding = _decode(data)
        first_line = text.split("\n", 1)[0]
        delimiter = _sniff_delimiter(first_line)
        rows = []
        try:
            for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                if len(cells) > MAX_COLUMNS and any(c.strip() for c in cells[MAX_COLUMNS:]):
                    raise FileProblem(
                        _(
                            "Row %(row)s has %(count)s columns; at most %(max)s are read.",
                            row=len(rows) + 1,
                            count=len(cells),
                            max=MAX_COLUMNS,
                        )
                    )
                rows.append([c.strip() for c in cells[:MAX_COLUMNS]])
        except csv.Error as error:
            raise FileProblem(_("The CSV cannot be read: %(error)s.", error=str(error))) from error
    rows = [row for row in rows if any(row)]
    if not rows:
        raise FileProblem(_("The file is empty."))
    header = list(rows[0])
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileProblem(_("The first row must name the columns."))
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
    """A first mapping for the generic screen: columns named like a field."""
    aliases = {
        "number": ("number", "numero", "num", "no", "civicnumber", "house_number"),
        "street": ("street", "rue", "voie", "streetname", "adresse", "address"),
        "postcode": ("postcode", "code_postal", "cp", "zip", "codepostal"),
        "city": ("city", "ville", "commune"),
        "first_name": ("first_name", "prenom", "firstname", "prenoms"),
        "last_name": ("last_name", "nom", "lastname", "surname"),
        "email": ("email", "e_mail", "mail", "courriel"),
        "phone": ("phone", "telephone", "tel", "mobile", "portable"),
        "area": ("area", "ward", "quartier", "bureau"),
        "tags": ("tags", "etiquettes"),
    }
    folded = {fold(h).replace(" ", "_"): h for h in header}
    mapping = {}
    for target, names in aliases.items():
        for name in names:
            if name in folded:
                mapping[target] = folded[name]
                break
    return mapping


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


# --- rows to records --------------------------------------------------------------------------------------


def _parse_float(text: str) -> float:
    return float(text.replace(",", ".").replace(" ", ""))


def _parse_date(text: str) -> date:
    text = text.strip()[:10]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_bool(text: str) -> bool:
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(text)


def _extract(fmt: str, cells: dict[str, str], mapping: dict[str, str]) -> tuple[dict, dict]:
    """Raw field values for one row and the column each came from."""
    columns = mapping  # copied below only when a row takes a field from another column
    raw = {f: cells.get(col, "") for f, col in columns.items()}
    if fmt == "electoral-list":
        street_type = cells.get("typevoie", "")
        if street_type and raw.get("street") and not fold(raw["street"]).startswith(fold(street_type)):
            raw["street"] = f"{street_type} {raw['street']}"
        if not raw.get("street") and cells.get("lieudit"):
            raw["street"], columns = cells["lieudit"], {**columns, "street": "lieudit"}
        if not raw.get("last_name"):
            raw["last_name"], columns = raw.get("birth_name", ""), {**columns, "last_name": "nomdenaissance"}
        if raw.get("birth_name") and fold(raw["birth_name"]) == fold(raw["last_name"]):
            raw["birth_name"] = ""
        office, office_name = cells.get("nobureaudevote", ""), cells.get("nombureaudevote", "")
        raw["area"] = " – ".join(p for p in (office, office_name) if p)
        code = raw.get("insee_code", "")
        if len(code) < 5 and cells.get("codedepartement"):
            raw["insee_code"] = f"{cells['codedepartement']}{code.zfill(3)}"[-5:]
    if fmt == "nationbuilder":
        if not raw.get("phone") and cells.get("phone_number"):
            raw["phone"], columns = cells["phone_number"], {**columns, "phone": "phone_number"}
        address = raw.get("street", "")
        match = NUMBER_THEN_STREET.match(address)
        if match:
            raw["number"], raw["street"] = match.group(1), match.group(2)
            columns = {**columns, "number": columns["street"]}
    return raw, columns


def _clean(
    fmt: str, raw: dict, columns: dict, row_number: int, header_names: dict | None = None
) -> tuple[dict, list[RowError]]:
    """Validated values (typed) for one row, or the errors that stop it."""
    errors = []
    values: dict = {}

    def fail(field_name, message):
        column = columns.get(field_name)
        errors.append(RowError(row_number, (header_names or {}).get(column, column), message))

    for key, value in raw.items():
        value = (value or "").strip()
        limit = LIMITS.get(key)
        if limit and len(value) > limit:
            fail(key, _("longer than %(max)s characters", max=limit))
            continue
        values[key] = value
    number_text = values.get("number", "")
    number, suffix = split_number(number_text) if number_text else (None, None)
    if number_text and number is None:
        fail("number", _("“%(value)s” is not a house number", value=number_text))
    if fmt == "ban" and number is not None and number >= 5000:
        number = None  # placeholder numbers of the legacy BAN (lieux-dits)
    if fmt == "bal" and number == 99999:
        number = None  # "no number" in the BAL
    if values.get("suffix"):
        suffix = normalize_suffix(values["suffix"])
    values["number"], values["suffix"] = number, suffix
    if values.get("unit") and not values.get("door"):
        values["door"] = values["unit"][:20]
    for key in ("lat", "lon"):
        if values.get(key):
            try:
                coordinate = _parse_float(values[key])
            except ValueError:
                fail(key, _("“%(value)s” is not a number", value=values[key]))
                continue
            if abs(coordinate) > (90 if key == "lat" else 180):
                fail(key, _("out of range"))
            values[key] = coordinate
        else:
            values[key] = None
    if values.get("email"):
        values["email"] = values["email"].lower()
        if not EMAIL_PATTERN.match(values["email"]):
            fail("email", _("“%(value)s” is not an e-mail address", value=values["email"]))
    if values.get("phone"):
        phone = phone_e164(values["phone"])
        if phone is None:
            fail("phone", _("“%(value)s” is not a phone number", value=values["phone"]))
        values["phone"] = phone
    if values.get("birth_date"):
        try:
            values["birth_date"] = _parse_date(values["birth_date"])
        except ValueError:
            fail("birth_date", _("“%(value)s” is not a date (DD/MM/YYYY)", value=values["birth_date"]))
    else:
        values["birth_date"] = None
    try:
        dnc = values.get("do_not_contact")
        values["do_not_contact"] = _parse_bool(dnc) if dnc else False
    except ValueError:
        fail("do_not_contact", _("“%(value)s” is neither yes nor no", value=values.get("do_not_contact")))
    if values.get("street") and values["street"] == values["street"].lower():
        values["street"] = values["street"][:1].upper() + values["street"][1:]
    has_person = bool(values.get("first_name") or values.get("last_name"))
    if (fmt in ADDRESS_ONLY_FORMATS or not has_person) and not values.get("street"):
        fail("street", _("no street: the row is neither an address nor a person"))
    values["has_person"] = has_person and fmt not in ADDRESS_ONLY_FORMATS
    return values, errors


# --- writing ----------------------------------------------------------------------------------------------

ADDRESS_COLUMNS = (
    "number",
    "suffix",
    "street",
    "building",
    "staircase",
    "floor",
    "door",
    "postcode",
    "city",
    "insee_code",
    "area",
    "lat",
    "lon",
)
ADDRESS_UPDATABLE = ("postcode", "city", "insee_code", "area", "lat", "lon")
RESIDENT_COLUMNS = ("first_name", "last_name", "birth_name", "email", "phone", "birth_date", "languages")


def _executemany(table, rows: list[dict]) -> None:
    """One DB-API executemany of `rows` (same keys) into `table`, column defaults and types applied once per
    column rather than per row through the ORM: the import's hot path."""
    connection = db.session.connection()
    dialect = connection.dialect
    now = utcnow()
    names = list(rows[0])
    defaults = {}
    for column in table.columns:
        if column.name in names or column.default is None:
            continue
        arg = column.default.arg
        defaults[column.name] = now if callable(arg) else arg
    columns = names + list(defaults)
    processors = {name: table.c[name].type._cached_bind_processor(dialect) for name in columns}
    extra = tuple(
        value if processors[name] is None or value is None else processors[name](value)
        for name, value in defaults.items()
    )
    typed = [(i, processors[name]) for i, name in enumerate(names) if processors[name] is not None]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    column_list, markers = ", ".join(quote(c) for c in columns), ", ".join(marker for _c in columns)
    sql = f"INSERT INTO {quote(table.name)} ({column_list}) VALUES ({markers})"  # noqa: S608
    params = []
    for row in rows:
        values = [row[name] for name in names]
        for i, process in typed:
            if values[i] is not None:
                values[i] = process(values[i])
        params.append((*values, *extra))
    connection.exec_driver_sql(sql, params)


_fold = lru_cache(maxsize=65536)(fold)
_street_key = lru_cache(maxsize=65536)(street_key)


def _none(value):
    return None if value in ("", None) else value


def _address_key(values: dict) -> tuple:
    return (
        _street_key(values.get("street")),
        values.get("number"),
        values.get("suffix"),
        *(_none(values.get(k)) for k in ("building", "staircase", "floor", "door")),
    )


class _Writer:
    """Matches rows to what exists and writes in bulk (a few statements per thousand rows)."""

    def __init__(self, report: ImportReport, source: str, fmt: str, user_id: int | None):
        self.report, self.source, self.fmt, self.user_id = report, source, fmt, user_id
        self.address_by_source: dict[str, int] = {}
        self.address_by_key: dict[tuple, int] = {}
        self.household_by_address: dict[int, int] = {}
        self.addresses: dict[int, Address] = {}
        self.resident_by_source: dict[str, int] = {}
        self.resident_by_person: dict[tuple, int] = {}
        self.tag_ids: dict[str, int] = {}

    def load(self) -> None:
        for row in db.session.execute(
            select(
                Address.id,
                Address.source_id,
                Address.street_key,
                Address.number,
                Address.suffix,
                Address.building,
                Address.staircase,
                Address.floor,
                Address.door,
            )
        ):
            if row.source_id:
                self.address_by_source[row.source_id] = row.id
            key = (row.street_key, row.number, row.suffix, row.building, row.staircase, row.floor, row.door)
            if row.number is None and row.source_id:
                key = (*key, row.source_id)
            self.address_by_key.setdefault(key, row.id)
        for address_id, household_id in db.session.execute(
            select(Household.address_id, Household.id).order_by(Household.id.desc())
        ):
            self.household_by_address[address_id] = household_id
        for row in db.session.execute(
            select(Resident.id, Resident.source_id, Resident.name_key, Resident.household_id, Resident.birth_date)
        ):
            if row.source_id:
                self.resident_by_source[row.source_id] = row.id
            self.resident_by_person.setdefault((row.name_key, row.household_id), row.id)
        self.tag_ids = {name: ident for ident, name in db.session.execute(select(Tag.id, Tag.name))}

    def _insert(self, model, rows: list[dict]) -> list[int]:
        """Insert with ids chosen beforehand, so one executemany does it (no row-by-row RETURNING)."""
        if not rows:
            return []
        table = model.__tablename__
        if db.session.get_bind().dialect.name == "postgresql":
            ids = list(
                db.session.scalars(
                    text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),  # noqa: S608
                    {"n": len(rows)},
                )
            )
        else:
            # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so nobody takes these ids.
            start = (db.session.scalar(select(func.max(model.id))) or 0) + 1
            ids = list(range(start, start + len(rows)))
        for ident, row in zip(ids, rows, strict=True):
            row["id"] = ident
        _executemany(model.__table__, rows)
        return ids

    def write(self, records: list[dict]) -> None:
        report = self.report
        address_only = self.fmt in ADDRESS_ONLY_FORMATS
        # 1. addresses
        new_addresses: list[dict] = []
        pending: dict[tuple, int] = {}
        address_updates: dict[int, dict] = {}
        record_address: list = []
        for values in records:
            if not values.get("street"):
                record_address.append(None)
                continue
            key = _address_key(values)
            own_id = values.get("source_id") if address_only else None
            if own_id and values.get("number") is None:
                # A place without a number (lieu-dit) is only ever matched by its identifier.
                key = (*key, own_id)
            found = self.address_by_source.get(own_id) if own_id else None
            if found is None:
                found = self.address_by_key.get(key)
            if found is not None:
                changes = {k: values[k] for k in ADDRESS_UPDATABLE if values.get(k) not in (None, "")}
                if changes and found not in address_updates:
                    address_updates[found] = changes  # the first row for a door wins
                record_address.append(("old", found))
                continue
            if key in pending:
                record_address.append(("new", pending[key]))
                continue
            pending[key] = len(new_addresses)
            row = {k: _none(values.get(k)) for k in ADDRESS_COLUMNS}
            row["street_key"] = key[0]
            row["source_id"] = _none(values.get("source_id")) if address_only else None
            new_addresses.append(row)
            record_address.append(("new", pending[key]))
        new_ids = self._insert(Address, new_addresses)
        report.created["addresses"] = len(new_ids)
        for key, index in pending.items():
            self.address_by_key[key] = new_ids[index]
            if new_addresses[index]["source_id"]:
                self.address_by_source[new_addresses[index]["source_id"]] = new_ids[index]
        changed_addresses = self._update_addresses(address_updates)
        address_ids = [
            None if ref is None else (ref[1] if ref[0] == "old" else new_ids[ref[1]]) for ref in record_address
        ]
        if address_only:
            for ref in record_address:
                if ref and ref[0] == "old":
                    if ref[1] in changed_addresses:
                        report.updated += 1
                    else:
                        report.unchanged += 1
            return
        # 2. households
        needed = [a for a in dict.fromkeys(address_ids) if a is not None and a not in self.household_by_address]
        household_ids = self._insert(Household, [{"address_id": a} for a in needed])
        self.household_by_address.update(zip(needed, household_ids, strict=True))
        report.created["households"] = len(household_ids)
        # 3. residents
        new_residents, new_tags, to_update = [], [], []
        for values, address_id in zip(records, address_ids, strict=True):
            household_id = self.household_by_address.get(address_id) if address_id else None
            first_key, last_key = _fold(values.get("first_name")), _fold(values.get("last_name"))
            key_name = f"{first_key} {last_key}".strip()
            existing = None
            if values.get("source_id"):
                existing = self.resident_by_source.get(values["source_id"])
            if existing is None:
                existing = self.resident_by_person.get((key_name, household_id))
            if existing is not None:
                to_update.append((existing, values, household_id))
                continue
            row = {k: _none(values.get(k)) for k in RESIDENT_COLUMNS}
            row.update(
                first_name=values.get("first_name") or "",
                last_name=values.get("last_name") or "",
                name_key=key_name,
                sort_key=f"{last_key} {first_key}".strip(),
                source_id=_none(values.get("source_id")),
                household_id=household_id,
                data_source=self.source,
                do_not_contact=bool(values.get("do_not_contact")),
                do_not_contact_at=datetime.now().astimezone() if values.get("do_not_contact") else None,
                note=_none(values.get("note")),
                leadership_stage="contact",
                created_by_id=self.user_id,
                updated_by_id=self.user_id,
            )
            self.resident_by_person[(key_name, household_id)] = -1
            new_residents.append(row)
            new_tags.append(values.get("tags") or "")
        resident_ids = self._insert(Resident, new_residents)
        report.created["residents"] = len(resident_ids)
        links = []
        for resident_id, tags in zip(resident_ids, new_tags, strict=True):
            for tag_id in self._tag_ids(tags):
                links.append({"resident_id": resident_id, "tag_id": tag_id})
        if links:
            db.session.execute(insert(resident_tags), links)
        self._update_residents(to_update)

    def _tag_ids(self, text: str) -> list[int]:
        ids = []
        if not text:
            return []
        for name in TAG_SEPARATORS.split(text):
            name = " ".join(name.split()).lower()[:60]
            if not name:
                continue
            if name not in self.tag_ids:
                tag = Tag(name=name)
                db.session.add(tag)
                db.session.flush()
                self.tag_ids[name] = tag.id
            ids.append(self.tag_ids[name])
        return list(dict.fromkeys(ids))

    def _update_addresses(self, updates: dict[int, dict]) -> set[int]:
        changed = set()
        ids = list(updates)
        for start in range(0, len(ids), 500):
            for address in db.session.scalars(select(Address).where(Address.id.in_(ids[start : start + 500]))):
                for key, value in updates[address.id].items():
                    if getattr(address, key) != value:
                        setattr(address, key, value)
                        changed.add(address.id)
        db.session.flush()
        return changed

    def _update_residents(self, to_update: list) -> None:
        report = self.report
        by_id = {}
        ids = [ident for ident, _v, _h in to_update if ident > 0]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            query = select(Resident).where(Resident.id.in_(chunk))
            for resident in db.session.scalars(query.options(selectinload(Resident.tags))):
                by_id[resident.id] = resident
        for ident, values, household_id in to_update:
            resident = by_id.get(ident)
            if resident is None:  # a duplicate row of this very file
                report.unchanged += 1
                continue
            changed = False
            for key in RESIDENT_COLUMNS + ("note",):
                value = _none(values.get(key))
                if value is not None and getattr(resident, key) != value:
                    setattr(resident, key, value)
                    changed = True
            if household_id and resident.household_id != household_id:
                resident.household_id = household_id
                changed = True
            if values.get("do_not_contact") and not resident.do_not_contact:
                resident.do_not_contact = True
                resident.do_not_contact_at = datetime.now().astimezone()
                changed = True
            current = {tag.id for tag in resident.tags}
            missing = [t for t in self._tag_ids(values.get("tags") or "") if t not in current]
            if missing:
                resident.tags.extend(db.session.get(Tag, t) for t in missing)
                changed = True
            if changed:
                resident.name_key = name_key(resident.first_name, resident.last_name)
                resident.sort_key = f"{fold(resident.last_name)} {fold(resident.first_name)}".strip()
                if self.user_id:
                    resident.updated_by_id = self.user_id
                report.updated += 1
            else:
                report.unchanged += 1
        db.session.flush()


def run_import(
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
) -> ImportReport:
    """Validate every row, then write all of them (or, with skip_invalid, the valid ones); never commits.

    Raises FileProblem when the file itself is unreadable or the mapping/source is missing.
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
            writer = _Writer(report, source or "", detected, user_id)
            writer.load()
            writer.write(records)
            savepoint.rollback()
        report.written = False
        return report
    writer = _Writer(report, source or "", detected, user_id)
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
    )
    report.written = True
    return report
