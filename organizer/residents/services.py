"""Verbs on the people database: who may see whom, create/update, tags, search, duplicates and merge.

Services add and flush; views commit.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, delete, false, func, insert, or_, select
from sqlalchemy.orm import joinedload, selectinload

from organizer.audit import services as audit
from organizer.auth import records
from organizer.db import keyset_after
from organizer.extensions import db
from organizer.kernel.contributions import registry
from organizer.kernel.unit_of_work import VersionConflict
from organizer.params import MAX_ID
from organizer.residents.models import (
    LEADERSHIP_STAGES,
    Address,
    Household,
    Issue,
    Resident,
    Tag,
    resident_issues,
    resident_tags,
)
from organizer.residents.normalize import fold, name_key, phone_e164, split_number, street_key

SEE_ALL_ROLES = ("organizer", "leader")
SENSITIVE_ROLES = ("organizer",)
EXPORT_ROLES = ("organizer",)

# Fields a person edits on the resident form (address fields are handled apart).
RESIDENT_FIELDS = (
    "first_name",
    "last_name",
    "birth_name",
    "preferred_name",
    "phone",
    "phone_alt",
    "email",
    "languages",
    "birth_date",
    "support_level",
    "leadership_stage",
    "self_interest",
    "data_source",
    "consent_basis",
    "consent_date",
    "consent_method",
    "purpose",
    "quote_consent",
    "do_not_contact",
    "point_person_id",
    "note",
    "note_sensitive",
)
ADDRESS_FIELDS = ("number", "street", "building", "staircase", "floor", "door", "access_notes", "postcode", "city")


# --- visibility -------------------------------------------------------------------------------------------


def sees_everyone(user) -> bool:
    """Admins, organizers and leaders see every resident."""
    return user.has_role(*SEE_ALL_ROLES)


def sees_sensitive(user) -> bool:
    """Notes marked sensitive are for organizers and admins only."""
    return user.has_role(*SENSITIVE_ROLES)


def may_export(user) -> bool:
    """Exports of personal data: organizers and admins only."""
    return user.has_role(*EXPORT_ROLES)


def visible_household_ids(user):
    """Households `user` may see (a subquery; organizer.auth.records)."""
    return records.visible_ids(Household, user)


def visible_residents(user) -> Select:
    """`select(Resident)` restricted to what `user` may see (organizer.auth.records); filter it further as needed."""
    return records.visible(Resident, user)


def get_visible(user, resident_id: int, *options) -> Resident | None:
    """One resident if `user` may see them, else None."""
    return records.find(Resident, resident_id, *options, user=user)


# --- tags, issues, addresses ------------------------------------------------------------------------------


def clean_tag_name(name: str) -> str:
    """Trimmed, inner spaces collapsed, lower-case ("Parent d'élève " -> "parent d'élève")."""
    return " ".join((name or "").split()).lower()[:60]


def get_or_create_tag(name: str) -> Tag | None:
    """The tag called `name` (created if new); None for an empty name."""
    name = clean_tag_name(name)
    if not name:
        return None
    tag = db.session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.flush()
    return tag


def _blank(value):
    if isinstance(value, str):
        value = value.strip()
    return value or None


def address_match_clause(street: str, number: int | None, suffix: str | None, **unit) -> list:
    """WHERE terms finding the same door: street key, number, suffix, building/staircase/floor/door."""
    terms = [Address.street_key == street_key(street)]
    for column, value in (("number", number), ("suffix", suffix), *unit.items()):
        attr = getattr(Address, column)
        value = _blank(value)
        terms.append(attr.is_(None) if value is None else attr == value)
    return terms


def find_or_create_address(data: dict) -> Address | None:
    """The address described by `data` (number as typed: "12 bis"), created if unknown; None without street."""
    street = _blank(data.get("street"))
    if not street:
        return None
    number, suffix = split_number(data.get("number"))
    unit = {key: _blank(data.get(key)) for key in ("building", "staircase", "floor", "door")}
    address = db.session.scalar(select(Address).where(*address_match_clause(street, number, suffix, **unit)).limit(1))
    if address is None:
        address = Address(
            number=number,
            suffix=suffix,
            street=street,
            street_key=street_key(street),
            postcode=_blank(data.get("postcode")),
            city=_blank(data.get("city")),
            access_notes=_blank(data.get("access_notes")),
            **unit,
        )
        db.session.add(address)
        db.session.flush()
    elif "access_notes" in data and address.access_notes != _blank(data["access_notes"]):
        # The door code belongs to the door: whoever edits a resident behind it keeps it current for all.
        address.access_notes = _blank(data["access_notes"])
    return address


def household_at(address: Address, label: str | None = None) -> Household:
    """The household behind that door (the first one, or the one with `label`), created if none."""
    query = select(Household).where(Household.address_id == address.id).order_by(Household.id)
    if label:
        query = query.where(Household.label == label)
    household = db.session.scalars(query.limit(1)).first()
    if household is None:
        household = Household(address_id=address.id, label=label or None)
        db.session.add(household)
        db.session.flush()
    return household


# --- create / update --------------------------------------------------------------------------------------


def refresh_keys(resident: Resident) -> None:
    """Recompute the folded keys search and ordering use."""
    resident.name_key = name_key(resident.first_name, resident.last_name)
    resident.sort_key = f"{fold(resident.last_name)} {fold(resident.first_name)}".strip()


def _clean_values(values: dict, support_enabled: bool) -> dict:
    cleaned = {}
    for key in RESIDENT_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, str):
            value = value.strip()
            if key not in ("first_name", "last_name", "data_source"):
                value = value or None
        if key in ("phone", "phone_alt") and value:
            value = phone_e164(value) or value
        if key == "email" and value:
            value = value.lower()
        if key == "support_level" and not support_enabled:
            continue
        if key == "leadership_stage" and value not in LEADERSHIP_STAGES:
            value = "contact"
        cleaned[key] = value
    return cleaned


def _apply_do_not_contact(resident: Resident, flag: bool) -> None:
    if flag and not resident.do_not_contact:
        resident.do_not_contact_at = datetime.now(UTC)
    if not flag:
        resident.do_not_contact_at = None
    resident.do_not_contact = bool(flag)


def create_resident(values: dict, *, by=None, address: dict | None = None, support_enabled: bool = True) -> Resident:
    """A new resident; `address` (number, street...) puts them in that door's household."""
    cleaned = _clean_values(values, support_enabled)
    dnc = cleaned.pop("do_not_contact", False)
    resident = Resident(**cleaned)
    resident.leadership_stage = resident.leadership_stage or "contact"
    _apply_do_not_contact(resident, dnc)
    refresh_keys(resident)
    if address:
        place = find_or_create_address(address)
        if place is not None:
            resident.household_id = household_at(place).id
    if by is not None:
        resident.created_by_id = resident.updated_by_id = by.id
    db.session.add(resident)
    db.session.flush()
    audit.record("resident.create", resident)
    return resident


def update_resident(
    resident: Resident,
    values: dict,
    *,
    by=None,
    expected_version: int | None = None,
    address: dict | None = None,
    support_enabled: bool = True,
) -> list[str]:
    """Save changes; raises VersionConflict when someone saved since `expected_version`. Returns changed fields."""
    if expected_version is not None and resident.version != expected_version:
        raise VersionConflict(resident)
    cleaned = _clean_values(values, support_enabled)
    changed = []
    if "do_not_contact" in cleaned:
        flag = bool(cleaned.pop("do_not_contact"))
        if flag != resident.do_not_contact:
            changed.append("do_not_contact")
        _apply_do_not_contact(resident, flag)
    for key, value in cleaned.items():
        if getattr(resident, key) != value:
            setattr(resident, key, value)
            changed.append(key)
    if address is not None:
        place = find_or_create_address(address)
        household_id = household_at(place).id if place is not None else None
        if household_id != resident.household_id:
            resident.household_id = household_id
            changed.append("household")
    refresh_keys(resident)
    if by is not None:
        resident.updated_by_id = by.id
    db.session.flush()  # a save made meanwhile raises StaleDataError: the unit of work shows the conflict
    if changed:
        audit.record("resident.update", resident, fields=sorted(changed))
    return changed


def set_tags(resident: Resident, names: list[str]) -> None:
    """Replace the resident's tags (resident.tags must be loaded)."""
    tags = [tag for tag in (get_or_create_tag(name) for name in names) if tag is not None]
    unique = {tag.id: tag for tag in tags}
    resident.tags = list(unique.values())


def set_issues(resident: Resident, issue_ids: list[int]) -> None:
    """Replace the issues the resident cares about (resident.issues must be loaded)."""
    ids = [int(i) for i in issue_ids]
    resident.issues = list(db.session.scalars(select(Issue).where(Issue.id.in_(ids)))) if ids else []


def bulk_tag(user, resident_ids: list[int], tag_name: str, *, remove: bool = False) -> int:
    """Add (or remove) a tag on the residents of `resident_ids` that `user` may see; returns how many changed."""
    if not resident_ids:
        return 0
    visible = list(
        db.session.scalars(visible_residents(user).with_only_columns(Resident.id).where(Resident.id.in_(resident_ids)))
    )
    if not visible:
        return 0  # no tag is created unless it lands on someone this person may see
    name = clean_tag_name(tag_name)
    tag = db.session.scalar(select(Tag).where(Tag.name == name)) if remove else get_or_create_tag(tag_name)
    if tag is None:
        return 0
    already = set(
        db.session.scalars(
            select(resident_tags.c.resident_id).where(
                resident_tags.c.tag_id == tag.id, resident_tags.c.resident_id.in_(visible)
            )
        )
    )
    if remove:
        targets = [rid for rid in visible if rid in already]
        if targets:
            db.session.execute(
                delete(resident_tags).where(resident_tags.c.tag_id == tag.id, resident_tags.c.resident_id.in_(targets))
            )
    else:
        targets = [rid for rid in visible if rid not in already]
        if targets:
            db.session.execute(insert(resident_tags), [{"resident_id": rid, "tag_id": tag.id} for rid in targets])
    if targets:
        audit.record("residents.bulk_tag", None, tag=tag.name, count=len(targets), removed=remove)
    return len(targets)


# --- search -----------------------------------------------------------------------------------------------


@dataclass
class Filters:
    """What the list can be narrowed by."""

    q: str = ""
    turf_id: int | None = None
    tag_id: int | None = None
    issue_id: int | None = None
    support_level: int | None = None
    stage: str | None = None
    # "7", "30", "90": contacted within N days; "never": never contacted; "over90": not for 90 days.
    contacted: str | None = None
    # "only", "exclude" or None (all, flagged)
    dnc: str | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_clause(q: str):
    """WHERE term for the search box: name words, phone (E.164), e-mail, street; None when empty."""
    q = (q or "").strip()
    if not q:
        return None
    terms = []
    words = fold(q).split()
    if words:
        terms.append(and_(*[Resident.name_key.like(f"%{_escape_like(w)}%", escape="\\") for w in words]))
    phone = phone_e164(q)
    if phone:
        terms.append(or_(Resident.phone == phone, Resident.phone_alt == phone))
    if "@" in q:
        terms.append(func.lower(Resident.email).like(f"%{_escape_like(q.lower())}%", escape="\\"))
    number, _suffix = split_number(q.split(" ", 1)[0])
    street = street_key(q.split(" ", 1)[1] if number is not None and " " in q else q)
    if street and not phone:
        streets = select(Household.id).join(Address, Household.address_id == Address.id)
        streets = streets.where(Address.street_key.like(f"%{_escape_like(street)}%", escape="\\"))
        if number is not None and " " in q:
            streets = streets.where(Address.number == number)
        terms.append(Resident.household_id.in_(streets))
    return or_(*terms) if terms else None


def filtered_residents(user, filters: Filters) -> Select:
    """visible_residents(user) narrowed by `filters` (no order, no limit)."""
    query = visible_residents(user)
    clause = search_clause(filters.q)
    if clause is not None:
        query = query.where(clause)
    if filters.turf_id:
        turf_households = (
            select(Household.id)
            .join(Address, Household.address_id == Address.id)
            .where(Address.turf_id == filters.turf_id)
        )
        query = query.where(Resident.household_id.in_(turf_households))
    if filters.tag_id:
        query = query.where(
            Resident.id.in_(select(resident_tags.c.resident_id).where(resident_tags.c.tag_id == filters.tag_id))
        )
    if filters.issue_id:
        query = query.where(
            Resident.id.in_(select(resident_issues.c.resident_id).where(resident_issues.c.issue_id == filters.issue_id))
        )
    if filters.support_level:
        query = query.where(Resident.support_level == filters.support_level)
    if filters.stage:
        query = query.where(Resident.leadership_stage == filters.stage)
    if filters.contacted == "never":
        query = query.where(Resident.last_contacted_at.is_(None))
    elif filters.contacted == "over90":
        since = datetime.now(UTC) - timedelta(days=90)
        query = query.where(or_(Resident.last_contacted_at.is_(None), Resident.last_contacted_at < since))
    elif filters.contacted and filters.contacted.isdigit():
        since = datetime.now(UTC) - timedelta(days=int(filters.contacted))
        query = query.where(Resident.last_contacted_at >= since)
    if filters.dnc == "only":
        query = query.where(Resident.do_not_contact.is_(True))
    elif filters.dnc == "exclude":
        query = query.where(Resident.do_not_contact.is_(False))
    return query


def full_address(address: Address | None) -> str:
    """ "12 bis rue Joffre, Bâtiment A, 2 — 54400 Longwy", as lists and resident pages show it."""
    if address is None:
        return ""
    text = f"{address.number}{' ' + address.suffix if address.suffix else ''} " if address.number else ""
    text += address.street
    text += "".join(f", {part}" for part in (address.building, address.staircase, address.floor, address.door) if part)
    if address.postcode or address.city:
        text += f" — {address.postcode or ''} {address.city or ''}"
    return text


def with_address():
    """Loader option for lists that show resident_hint(): the door and its address in the same statement.
    A function, not a constant: building it configures the mappers, which must wait until every feature's
    models are imported (Address.turf points at turfs)."""
    return joinedload(Resident.household).joinedload(Household.address)


def resident_hint(resident: Resident) -> str:
    """What tells two namesakes apart in a picker: the street of their door and the end of their phone
    ("12 bis rue Joffre · …78"); the household and its address must be loaded (with_address())."""
    parts = []
    household = resident.household
    if household is not None and household.address is not None:
        address = household.address
        number = f"{address.number}{' ' + address.suffix if address.suffix else ''} " if address.number else ""
        parts.append(f"{number}{address.street}")
    digits = "".join(ch for ch in resident.phone or "" if ch.isdigit())
    if len(digits) >= 2:
        parts.append(f"…{digits[-2:]}")
    return " · ".join(parts)


def encode_cursor(resident: Resident) -> str:
    """The "next page" token: the last row's sort key and id."""
    return f"{resident.id}:{resident.sort_key}"


def decode_cursor(cursor: str | None) -> tuple[int, str] | None:
    """(id, sort_key) from a token; None when missing or malformed."""
    if not cursor or ":" not in cursor:
        return None
    ident, key = cursor.split(":", 1)
    return (int(ident), key) if ident.isdigit() and len(ident) <= len(str(MAX_ID)) and int(ident) <= MAX_ID else None


def search(user, filters: Filters, *, after: str | None = None, limit: int = 50) -> tuple[list[Resident], str | None]:
    """One page of residents in list order (last name, first name, id) and the token of the next page."""
    query = filtered_residents(user, filters)
    position = decode_cursor(after)
    if position:
        ident, key = position
        query = query.where(keyset_after((Resident.sort_key, Resident.id), (key, ident)))
    query = query.order_by(Resident.sort_key, Resident.id).limit(limit + 1)
    query = query.options(
        selectinload(Resident.tags),
        # Many-to-one: joined in the same statement, no extra round trips.
        joinedload(Resident.household).joinedload(Household.address),
    )
    rows = list(db.session.scalars(query))
    following = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], following


# --- duplicates and merge ---------------------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    """Residents that look like one person, and why."""

    reason: str  # "name_address", "email", "phone"
    value: str
    residents: list[Resident]


def duplicate_groups(limit: int = 200) -> list[DuplicateGroup]:
    """Same folded name at the same address, same e-mail, or same phone (E.164)."""
    found: list[tuple[str, str, list[int]]] = []
    by_name = (
        select(Resident.name_key, Address.id, func.count())
        .join(Household, Resident.household_id == Household.id)
        .join(Address, Household.address_id == Address.id)
        .where(Resident.name_key != "")
        .group_by(Resident.name_key, Address.id)
        .having(func.count() > 1)
        .limit(limit)
    )
    for key, address_id, _n in db.session.execute(by_name):
        ids = db.session.scalars(
            select(Resident.id)
            .join(Household, Resident.household_id == Household.id)
            .where(Resident.name_key == key, Household.address_id == address_id)
        ).all()
        found.append(("name_address", key, list(ids)))
    for reason, column in (("email", func.lower(Resident.email)), ("phone", Resident.phone)):
        groups = (
            select(column, func.count())
            .where(column.is_not(None))
            .group_by(column)
            .having(func.count() > 1)
            .limit(limit)
        )
        for value, _n in db.session.execute(groups):
            ids = db.session.scalars(select(Resident.id).where(column == value)).all()
            found.append((reason, value, list(ids)))
    all_ids = {rid for _r, _v, ids in found for rid in ids}
    residents = {
        r.id: r
        for r in db.session.scalars(
            select(Resident)
            .where(Resident.id.in_(all_ids))
            .options(selectinload(Resident.household).selectinload(Household.address), selectinload(Resident.tags))
        )
    }
    groups, seen = [], set()
    for reason, value, ids in found:
        key = tuple(sorted(ids))
        if key in seen:
            continue
        seen.add(key)
        groups.append(DuplicateGroup(reason, value, [residents[i] for i in sorted(ids) if i in residents]))
    return groups


# --- the issue vocabulary ----------------------------------------------------------------------------------


def issue_key(name: str) -> str:
    return fold(name)[:120]


def get_or_create_issue(name: str) -> Issue | None:
    """The issue with this (folded) name, created if new; None for a blank name."""
    name = " ".join((name or "").split())[:120]
    key = issue_key(name)
    if not key:
        return None
    issue = db.session.scalar(select(Issue).where(Issue.key == key))
    if issue is None:
        issue = Issue(name=name, key=key)
        db.session.add(issue)
        db.session.flush()
    return issue


def door_scope(user, today=None):
    """A SELECT of the household ids `user` may see as a canvasser (organizer.kernel.contributions.DoorScope)."""
    scope = registry().door_scope
    if scope is None:
        return select(Household.id).where(false())
    return scope(user) if today is None else scope(user, today)
