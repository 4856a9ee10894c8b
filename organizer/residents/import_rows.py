"""Rows to records: each cell parsed and checked, what is wrong reported per row and column."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from organizer.residents import phones
from organizer.residents.addresses import parse_address, split_unit, starts_with_number
from organizer.residents.import_reading import (
    ADDRESS_ONLY_FORMATS,
    EMAIL_PATTERN,
    FALSE_WORDS,
    LIMITS,
    NUMBER_THEN_STREET,
    TRUE_WORDS,
    _,
)
from organizer.residents.normalize import fold, normalize_suffix, phone_e164, split_number
from organizer.spreadsheets import neutralise


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
    # The first rows as they will be stored and what each matched (the check page shows them).
    preview: list[dict] = field(default_factory=list)
    # New residents who look like someone already known (same phone, e-mail or name elsewhere).
    possible_duplicates: int = 0

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
            "possible_duplicates": self.possible_duplicates,
            "dry_run": self.dry_run,
            "written": self.written,
            "errors": [error.as_dict() for error in self.errors],
        }

    def rejects_csv(self) -> str:
        """The rejected rows with their reasons, as CSV text; cells that a spreadsheet would run as formulas are
        neutralised (they come from the imported file: anyone may have written them)."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(neutralise(["row", "error", *self.header]))
        for row_number, cells, reason in self.rejected_rows:
            writer.writerow(neutralise([row_number, reason, *cells]))
        return out.getvalue()


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


def _clean(  # noqa: C901 - one rule per field of a row, in column order: split up, the rules would scatter
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
    line = values.get("address")
    if (
        not line
        and not values.get("number")
        and fmt not in ADDRESS_ONLY_FORMATS
        and starts_with_number(values.get("street"))
    ):
        line, values["street"] = values["street"], ""  # "21 rue Monety" in the street column
    if line:
        parsed = parse_address(line, phones.region())
        source_column = columns.get("address") or columns.get("street")
        if parsed.number is not None and not values.get("number"):
            values["number"] = f"{parsed.number} {parsed.suffix or ''}".strip()
            columns = {**columns, "number": source_column}
        for key in ("street", "building", "staircase", "floor", "door", "postcode", "city"):
            if getattr(parsed, key) and not values.get(key):
                values[key] = getattr(parsed, key)[: LIMITS.get(key, 200)]
                columns = {**columns, key: source_column}
    if values.get("unit"):
        # "Bât. B esc. 2 porte 12" in one column: each part to its field, what is left is the door.
        parts, values["unit"] = split_unit(values["unit"])
        for key, value in parts.items():
            if value and not values.get(key):
                values[key] = value[: LIMITS.get(key, 20)]
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
    for key in ("phone", "phone_alt"):
        if values.get(key):
            phone = phone_e164(values[key])
            if phone is None:
                fail(key, _("“%(value)s” is not a phone number", value=values[key]))
            values[key] = phone
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
