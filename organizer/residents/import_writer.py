"""Writing checked records: matched to what exists, then inserted or updated in bulk."""

from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import selectinload

from organizer.db import utcnow
from organizer.extensions import db
from organizer.residents import duplicates
from organizer.residents.import_reading import ADDRESS_ONLY_FORMATS, TAG_SEPARATORS
from organizer.residents.import_rows import ImportReport
from organizer.residents.models import Address, Household, Resident, Tag, resident_tags
from organizer.residents.normalize import fold, name_key, street_key
from organizer.residents.services import full_address

# --- writing ----------------------------------------------------------------------------------------------

ADDRESS_COLUMNS = (
    "number",
    "suffix",
    "street",
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
)
ADDRESS_UPDATABLE = ("postcode", "city", "insee_code", "area", "lat", "lon", "access_notes")
RESIDENT_COLUMNS = (
    "first_name",
    "last_name",
    "birth_name",
    "email",
    "phone",
    "phone_alt",
    "birth_date",
    "languages",
)


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


PREVIEW_ROWS = 20


def _preview_row(values: dict, address_ref) -> dict:
    """One row of the check page as it will be stored: the address in its parts, the person, what matched."""
    place = SimpleNamespace(
        **{
            key: values.get(key) or None
            for key in ("number", "suffix", "street", "building", "staircase", "floor", "door", "postcode", "city")
        }
    )
    name = " ".join(part for part in (values.get("first_name"), values.get("last_name")) if part)
    return {
        "row": values.get("row"),
        "address": full_address(place) if place.street else "",
        "access_notes": values.get("access_notes") or "",
        "name": name,
        "phone": values.get("phone") or "",
        "email": values.get("email") or "",
        "address_status": None if address_ref is None else ("matched" if address_ref[0] == "old" else "new"),
        "resident": None,
        "duplicate": None,
    }


class _Writer:
    """Matches rows to what exists and writes in bulk (a few statements per thousand rows)."""

    def __init__(
        self,
        report: ImportReport,
        source: str,
        fmt: str,
        user_id: int | None,
        *,
        basis: str | None = None,
        purpose: str | None = None,
    ):
        self.report, self.source, self.fmt, self.user_id = report, source, fmt, user_id
        self.basis, self.purpose = basis, purpose
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

    def write(self, records: list[dict]) -> None:  # noqa: C901 - the bulk write in its order (addresses, households, residents, tags), kept whole
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
        preview = [
            _preview_row(values, ref) for values, ref in zip(records[:PREVIEW_ROWS], record_address, strict=False)
        ]
        report.preview = preview
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
        self.lookalikes = duplicates.Index()
        for index, (values, address_id) in enumerate(zip(records, address_ids, strict=True)):
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
                if index < PREVIEW_ROWS:
                    preview[index]["resident"] = "matched" if existing > 0 else "repeated"
                continue
            if key_name or values.get("has_person"):
                likely = self.lookalikes.match(
                    values.get("first_name"), values.get("last_name"), values.get("phone"), values.get("email")
                )
                if likely is not None:
                    report.possible_duplicates += 1
                    if index < PREVIEW_ROWS:
                        preview[index]["duplicate"] = {"id": likely[0], "reason": likely[1]}
            if index < PREVIEW_ROWS:
                preview[index]["resident"] = "new"
            row = {k: _none(values.get(k)) for k in RESIDENT_COLUMNS}
            row.update(
                first_name=values.get("first_name") or "",
                last_name=values.get("last_name") or "",
                name_key=key_name,
                sort_key=f"{last_key} {first_key}".strip(),
                source_id=_none(values.get("source_id")),
                household_id=household_id,
                data_source=self.source,
                consent_basis=self.basis,
                purpose=self.purpose,
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

    def _update_resident(self, resident: Resident, values: dict, household_id) -> bool:
        """Fill in one known resident from a row of the file; whether anything changed."""
        changed = False
        if resident.consent_basis is None and self.basis:
            # Known but with no basis recorded: this file's basis and purpose fill the gap.
            resident.consent_basis, resident.purpose = self.basis, resident.purpose or self.purpose
            changed = True
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
            elif self._update_resident(resident, values, household_id):
                resident.name_key = name_key(resident.first_name, resident.last_name)
                resident.sort_key = f"{fold(resident.last_name)} {fold(resident.first_name)}".strip()
                if self.user_id:
                    resident.updated_by_id = self.user_id
                report.updated += 1
            else:
                report.unchanged += 1
        db.session.flush()
