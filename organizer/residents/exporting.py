"""Exports of a filtered resident list: CSV (UTF-8 with BOM, `;` in French) and XLSX.

Every cell starting with = + - @, tab or CR is neutralised (prefixed with ') so a spreadsheet never
runs it as a formula. Do-not-contact residents are exported flagged, without phone or e-mail.
"""

import csv
import io

from sqlalchemy.orm import selectinload

from organizer.extensions import db
from organizer.residents.models import Household, Resident
from organizer.spreadsheets import neutralise_cell

BASE_COLUMNS = [
    "id",
    "first_name",
    "last_name",
    "preferred_name",
    "do_not_contact",
    "email",
    "phone",
    "phone_alt",
    "languages",
    "number",
    "suffix",
    "street",
    "building",
    "staircase",
    "floor",
    "door",
    "postcode",
    "city",
    "area",
    "tags",
    "issues",
    "leadership_stage",
    "support_level",
    "data_source",
    "consent_basis",
    "consent_date",
]
CONTACT_COLUMNS = ("email", "phone", "phone_alt")


def neutralise(value) -> str:
    """A cell's text, made inert if a spreadsheet could read it as a formula (organizer.spreadsheets)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return neutralise_cell(str(value))


def columns(support_enabled: bool) -> list[str]:
    """The exported columns (no support level when the deployment switched it off)."""
    return [c for c in BASE_COLUMNS if support_enabled or c != "support_level"]


def rows(query, support_enabled: bool):
    """Yield one list of raw values per resident of `query` (a visible_residents select)."""
    query = query.options(
        selectinload(Resident.tags),
        selectinload(Resident.issues),
        selectinload(Resident.household).selectinload(Household.address),
    ).order_by(Resident.sort_key, Resident.id)
    wanted = columns(support_enabled)
    for resident in db.session.scalars(query):
        address = resident.household.address if resident.household else None
        values = {
            "tags": ", ".join(sorted(tag.name for tag in resident.tags)),
            "issues": ", ".join(sorted(issue.name for issue in resident.issues)),
        }
        for column in wanted:
            if column in values:
                continue
            if column in (
                "number",
                "suffix",
                "street",
                "building",
                "staircase",
                "floor",
                "door",
                "postcode",
                "city",
                "area",
            ):
                values[column] = getattr(address, column) if address else None
            else:
                values[column] = getattr(resident, column)
        if resident.do_not_contact:
            for column in CONTACT_COLUMNS:
                values[column] = None
        yield [values[column] for column in wanted]


def to_csv(query, *, delimiter: str, support_enabled: bool) -> tuple[bytes, int]:
    """CSV bytes (UTF-8 with BOM, CRLF) and the number of residents."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns(support_enabled))
    count = 0
    for row in rows(query, support_enabled):
        writer.writerow([neutralise(value) for value in row])
        count += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count


def to_xlsx(query, *, support_enabled: bool) -> tuple[bytes, int]:
    """XLSX bytes (every cell written as text, neutralised) and the number of residents."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("residents")
    sheet.append(columns(support_enabled))
    count = 0
    for row in rows(query, support_enabled):
        sheet.append([neutralise(value) for value in row])
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count
