"""The doors of a turf in walking order, with their last knock, and the figures and map of the turf page."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from organizer.conversations.models import DOOR_RESULTS, DoorKnock
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import fold
from organizer.turfs.access import is_canvasser, local_today
from organizer.turfs.models import Turf, TurfAssignment
from organizer.turfs.ordering import natural_key, sort_addresses

# How long a printed sheet may be kept when nobody holds the turf.
DEFAULT_KEEP_DAYS = 30

# The labels are the conversations feature's; turfs add the short codes printed and typed on sheets.
# The short code printed beside each box and typed in the grid: 1 to 8, the same in every language.
RESULT_SHORT_CODES = {code: str(index + 1) for index, code in enumerate(DOOR_RESULTS)}
SHORT_CODE_RESULTS = {short: code for code, short in RESULT_SHORT_CODES.items()}
# Colours of the map points, by last result (none: not knocked yet).
RESULT_COLOURS = {
    None: "#8a93a8",
    "not_home": "#e0a100",
    "talked": "#1f6f3f",
    "refused": "#a3262a",
    "moved": "#6b4fa0",
    "inaccessible": "#5b6477",
    "come_back": "#1d4fa8",
    "language_barrier": "#0f7c86",
    "do_not_contact": "#000000",
}
# ---------------------------------------------------------------- doors in walking order


def short_door_id(household_id: int) -> str:
    """A short id to print and type back: the household id in Crockford base 32 ("1Z", "A4K")."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    digits, number = "", int(household_id)
    while True:
        number, rest = divmod(number, 32)
        digits = alphabet[rest] + digits
        if not number:
            return digits


def parse_short_door_id(text: str) -> int | None:
    """The household id of a short door id (O read as 0, I and L as 1); None when it is not one."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    cleaned = (text or "").strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")
    if not cleaned or any(char not in alphabet for char in cleaned):
        return None
    number = 0
    for char in cleaned:
        number = number * 32 + alphabet.index(char)
    return number


@dataclass
class Door:
    """One block of a walk sheet: a household at an address."""

    seq: int
    household: Household
    address: Address
    # Residents who may be printed (never the do-not-contact ones), in name order.
    residents: list[Resident]
    # Everyone behind this door asked not to be contacted: print "do not knock", no names.
    do_not_knock: bool
    last_knock: DoorKnock | None

    @property
    def short_id(self) -> str:
        return short_door_id(self.household.id)


def address_line(address: Address) -> str:
    """ "12 bis rue Joffre" (the street as stored)."""
    number = "" if address.number is None else str(address.number)
    suffix = f" {address.suffix}" if address.suffix and len(address.suffix) > 1 else (address.suffix or "").upper()
    return f"{number}{suffix} {address.street}".strip()


def address_details(address: Address, household: Household | None = None) -> str:
    """Building, staircase, floor, door and the household's label, as printed under the address."""
    parts = []
    labels = (
        (address.building, _l("bldg.")),
        (address.staircase, _l("stair")),
        (address.floor, _l("floor")),
        (address.door, _l("door")),
    )
    for value, label in labels:
        if value:
            parts.append(f"{label} {value}")
    if household is not None and household.label:
        parts.append(household.label)
    return " · ".join(parts)


def last_knocks(household_ids) -> dict[int, DoorKnock]:
    """The latest knock of each household."""
    ids = list(household_ids)
    latest: dict[int, DoorKnock] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        newest = (
            select(DoorKnock.household_id, func.max(DoorKnock.knocked_at).label("at"))
            .where(DoorKnock.household_id.in_(chunk))
            .group_by(DoorKnock.household_id)
            .subquery()
        )
        knocks = db.session.scalars(
            select(DoorKnock)
            .join(newest, (DoorKnock.household_id == newest.c.household_id) & (DoorKnock.knocked_at == newest.c.at))
            .order_by(DoorKnock.id)
        )
        for knock in knocks:
            latest[knock.household_id] = knock
    return latest


def turf_doors(turf: Turf, rural: bool = False) -> list[Door]:
    """The doors of `turf` in walking order, residents filtered for printing."""
    addresses = db.session.scalars(
        select(Address)
        .where(Address.turf_id == turf.id)
        .options(selectinload(Address.households).selectinload(Household.residents))
    ).all()
    households = [household for address in addresses for household in address.households]
    latest = last_knocks(household.id for household in households)
    doors = []
    for address in sort_addresses(addresses, rural):
        ordered = sorted(address.households, key=lambda h: (natural_key(h.label), h.id))
        # An empty household created for an address that has since received real ones is not a door.
        if len(ordered) > 1:
            ordered = [h for h in ordered if h.residents or h.id in latest] or ordered[:1]
        for household in ordered:
            printable = sorted(
                (r for r in household.residents if not r.do_not_contact),
                key=lambda r: (fold(r.last_name), fold(r.first_name), r.id),
            )
            do_not_knock = bool(household.residents) and not printable
            doors.append(Door(len(doors) + 1, household, address, printable, do_not_knock, latest.get(household.id)))
    return doors


def destroy_after(turf: Turf, user=None, today: date | None = None) -> date:
    """Until when a printed sheet may be kept: the assignment's end, else 30 days after printing."""
    today = today or local_today()
    query = select(func.max(TurfAssignment.until)).where(TurfAssignment.turf_id == turf.id)
    if user is not None and is_canvasser(user):
        query = query.where(TurfAssignment.user_id == user.id)
    until = db.session.scalar(query)
    return until if until and until >= today else today + timedelta(days=DEFAULT_KEEP_DAYS)


# ---------------------------------------------------------------- figures for the turf page


@dataclass
class TurfStats:
    doors: int
    residents: int
    doors_knocked: int
    conversations: int
    last_visit: datetime | None
    # [(monday of the week, doors knocked that week, cumulative share of doors knocked 0..1)]
    weeks: list[tuple[date, int, float]]


def turf_stats(turf: Turf, doors: list[Door]) -> TurfStats:
    """Counts and coverage over time for the turf page."""
    ids = [door.household.id for door in doors]
    residents = sum(len(door.household.residents) for door in doors)
    knocks = []
    for start in range(0, len(ids), 500):
        knocks += db.session.execute(
            select(DoorKnock.household_id, DoorKnock.knocked_at, DoorKnock.result).where(
                DoorKnock.household_id.in_(ids[start : start + 500])
            )
        ).all()
    first_week: dict[int, date] = {}
    per_week: dict[date, set[int]] = defaultdict(set)
    for household_id, knocked_at, _result in knocks:
        day = knocked_at.date()
        monday = day - timedelta(days=day.weekday())
        per_week[monday].add(household_id)
        if household_id not in first_week or monday < first_week[household_id]:
            first_week[household_id] = monday
    weeks, covered = [], 0
    for monday in sorted(per_week):
        covered += sum(1 for week in first_week.values() if week == monday)
        weeks.append((monday, len(per_week[monday]), covered / len(doors) if doors else 0.0))
    return TurfStats(
        doors=len(doors),
        residents=residents,
        doors_knocked=len({k[0] for k in knocks}),
        conversations=sum(1 for k in knocks if k[2] == "talked"),
        last_visit=max((k[1] for k in knocks), default=None),
        weeks=weeks,
    )


@dataclass
class TurfMap:
    """An SVG map drawn from the addresses' coordinates: points and the walking line."""

    width: int
    height: int
    # [(x, y, colour, door)]
    points: list[tuple[float, float, str, Door]]
    polyline: str
    missing: int


def turf_map(doors: list[Door], width: int = 640, height: int = 420, margin: int = 16) -> TurfMap | None:
    """Project the doors' lat/lon (equirectangular, scaled by cos(latitude)) into the SVG box."""
    import math

    located = [door for door in doors if door.address.lat is not None and door.address.lon is not None]
    if not located:
        return None
    lats = [door.address.lat for door in located]
    lons = [door.address.lon for door in located]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * scale_x, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    used_w, used_h = span_x * scale, span_y * scale
    offset_x = (width - used_w) / 2
    offset_y = (height - used_h) / 2
    points, seen = [], set()
    for door in located:
        x = round(offset_x + (door.address.lon - min(lons)) * scale_x * scale, 1)
        y = round(offset_y + (max(lats) - door.address.lat) * scale, 1)
        result = door.last_knock.result if door.last_knock else None
        points.append((x, y, RESULT_COLOURS.get(result, RESULT_COLOURS[None]), door))
        seen.add(door.address.id)
    line = " ".join(f"{x},{y}" for x, y, _c, _d in points)
    return TurfMap(width, height, points, line, len(doors) - len(located))
