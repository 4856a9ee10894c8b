"""Turfs: cutting the neighbourhood, who may see what, the doors in walking order, knocks brought back.

Verbs add and flush; the caller (a view or a command) commits.
"""

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from organizer.auth.models import User
from organizer.conversations.models import DOOR_RESULTS, DoorKnock
from organizer.db import utcnow
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import fold, street_key
from organizer.turfs.access import assigned_turf_ids, local_today
from organizer.turfs.models import Turf, TurfAssignment
from organizer.turfs.ordering import natural_key, sort_addresses

SIDES = ("both", "odd", "even")
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
SUPPORT_LEVELS = (1, 2, 3, 4, 5)


class TurfError(ValueError):
    """A turf cannot be cut, assigned or filled as asked; str() gives the reason in the current language."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OverlapError(TurfError):
    """The cut would take addresses that belong to other turfs; the caller must confirm."""

    def __init__(self, preview: "CutPreview"):
        super().__init__(_l("Some of these addresses belong to other turfs."))
        self.preview = preview


# ---------------------------------------------------------------- dates and visibility


def is_canvasser(user) -> bool:
    """Canvassers see only their own turfs; every other role sees them all."""
    return getattr(user, "role", None) == "canvasser"


def visible_turfs(user):
    """SELECT of the turfs `user` may see: a canvasser's current assignments, everything for others."""
    query = select(Turf).order_by(Turf.name)
    if is_canvasser(user):
        query = query.where(Turf.id.in_(assigned_turf_ids(user)))
    return query


def visible_turf(user, turf_id: int) -> Turf | None:
    """The turf if `user` may see it, else None (the caller answers 404)."""
    return db.session.scalar(visible_turfs(user).where(Turf.id == turf_id))


def household_turf(user, household_id: int) -> tuple[Household, Turf | None] | None:
    """The household and its turf if `user` may open that door, else None.

    Canvassers only reach doors of their current turfs; others reach every door."""
    household = db.session.scalar(
        select(Household)
        .where(Household.id == household_id)
        .options(selectinload(Household.address), selectinload(Household.residents))
    )
    if household is None:
        return None
    turf = None
    if household.address.turf_id is not None:
        turf = visible_turf(user, household.address.turf_id)
        if turf is None and is_canvasser(user):
            return None
    elif is_canvasser(user):
        return None
    return household, turf


# ---------------------------------------------------------------- cutting


@dataclass
class TurfRule:
    """How a turf is cut. Criteria combine (all must hold); address_ids picks addresses by hand."""

    streets: list[str] = field(default_factory=list)
    side: str = "both"
    number_from: int | None = None
    number_to: int | None = None
    area: str | None = None
    polygon: dict | None = None
    address_ids: list[int] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.streets or self.area or self.polygon or self.address_ids)

    def as_json(self) -> dict:
        """What Turf.rule keeps (the polygon too: it can be cut again from it)."""
        data = {key: value for key, value in asdict(self).items() if value not in (None, [], "both")}
        data.pop("address_ids", None)
        if self.address_ids:
            data["by_hand"] = len(self.address_ids)
        return data


def parse_geojson(text: str | bytes) -> dict:
    """The Polygon or MultiPolygon geometry of a GeoJSON text (a geometry, a Feature or a FeatureCollection).

    A collection of several polygons becomes one MultiPolygon. Raises TurfError on anything else."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise TurfError(_l("This file is not GeoJSON.")) from error
    polygons = []

    def collect(obj):
        if not isinstance(obj, dict):
            raise TurfError(_l("This file is not GeoJSON."))
        kind = obj.get("type")
        if kind == "FeatureCollection":
            for feature in obj.get("features") or []:
                collect(feature)
        elif kind == "Feature":
            collect(obj.get("geometry") or {})
        elif kind == "Polygon":
            polygons.append(obj.get("coordinates"))
        elif kind == "MultiPolygon":
            polygons.extend(obj.get("coordinates") or [])
        else:
            raise TurfError(_l("The GeoJSON must contain polygons (found %(kind)s).", kind=kind or "?"))

    collect(data)
    try:
        cleaned = [[[(float(point[0]), float(point[1])) for point in ring] for ring in polygon] for polygon in polygons]
    except (TypeError, ValueError, IndexError) as error:
        raise TurfError(_l("The polygon's coordinates cannot be read.")) from error
    cleaned = [polygon for polygon in cleaned if polygon and len(polygon[0]) >= 3]
    if not cleaned:
        raise TurfError(_l("The GeoJSON contains no polygon."))
    return {"type": "MultiPolygon", "coordinates": [[list(map(list, ring)) for ring in p] for p in cleaned]}


def _in_ring(lon: float, lat: float, ring) -> bool:
    """Ray casting: is the point inside this closed ring of (lon, lat)?"""
    inside = False
    count = len(ring)
    j = count - 1
    for i in range(count):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    """Inside a Polygon or MultiPolygon (GeoJSON order: lon, lat); holes are outside."""
    polygons = [geometry["coordinates"]] if geometry.get("type") == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        if polygon and _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, hole) for hole in polygon[1:]):
            return True
    return False


def matching_addresses(rule: TurfRule) -> list[Address]:
    """The addresses the rule selects, in walking order."""
    if rule.is_empty():
        raise TurfError(_l("Choose at least one street, an area, a polygon or some addresses."))
    if rule.side not in SIDES:
        raise TurfError(_l("The side must be odd, even or both."))
    query = select(Address)
    if rule.streets:
        query = query.where(Address.street_key.in_({street_key(street) for street in rule.streets}))
    if rule.number_from is not None:
        query = query.where(Address.number >= rule.number_from)
    if rule.number_to is not None:
        query = query.where(Address.number <= rule.number_to)
    if rule.side == "odd":
        query = query.where(Address.number % 2 == 1)
    elif rule.side == "even":
        query = query.where(Address.number % 2 == 0)
    if rule.area:
        query = query.where(Address.area == rule.area)
    if rule.address_ids:
        query = query.where(Address.id.in_(rule.address_ids))
    if rule.polygon:
        query = query.where(Address.lat.is_not(None), Address.lon.is_not(None))
    addresses = list(db.session.scalars(query))
    if rule.polygon:
        addresses = [a for a in addresses if point_in_geometry(a.lon, a.lat, rule.polygon)]
    return sort_addresses(addresses)


@dataclass
class CutPreview:
    """What a cut would select, and what it would take from other turfs."""

    addresses: list[Address]
    # [(turf name, number of addresses it would lose)], by name.
    taken: list[tuple[str, int]]
    taken_ids: set[int]

    @property
    def count(self) -> int:
        return len(self.addresses)

    @property
    def taken_count(self) -> int:
        return len(self.taken_ids)


def preview_cut(rule: TurfRule, turf: Turf | None = None) -> CutPreview:
    """Which addresses `rule` selects and which of them belong to another turf than `turf`."""
    addresses = matching_addresses(rule)
    own = turf.id if turf is not None else None
    taken = [a for a in addresses if a.turf_id is not None and a.turf_id != own]
    names = dict(db.session.execute(select(Turf.id, Turf.name).where(Turf.id.in_({a.turf_id for a in taken}))).all())
    counts = Counter(names[a.turf_id] for a in taken)
    return CutPreview(addresses, sorted(counts.items()), {a.id for a in taken})


def ensure_households(address_ids) -> None:
    """Give every address without a household one (empty) household: the door a sheet prints."""
    ids = list(address_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        having = set(db.session.scalars(select(Household.address_id).where(Household.address_id.in_(chunk))))
        db.session.add_all(Household(address_id=address_id) for address_id in chunk if address_id not in having)
    db.session.flush()


def _set_turf(address_ids, turf_id: int | None) -> None:
    ids = list(address_ids)
    for start in range(0, len(ids), 500):
        db.session.execute(
            Address.__table__.update().where(Address.id.in_(ids[start : start + 500])).values(turf_id=turf_id)
        )
    db.session.expire_all()


def add_to_turf(turf: Turf, rule: TurfRule, take: bool = False) -> CutPreview:
    """Put the addresses `rule` selects in `turf`. Raises OverlapError unless `take` allows taking
    addresses from other turfs."""
    preview = preview_cut(rule, turf)
    if preview.taken and not take:
        raise OverlapError(preview)
    ids = [address.id for address in preview.addresses]
    _set_turf(ids, turf.id)
    ensure_households(ids)
    return preview


def create_turf(
    name: str,
    rule: TurfRule,
    created_by_id: int | None = None,
    take: bool = False,
    script: str | None = None,
    description: str | None = None,
) -> Turf:
    """A new turf of the addresses `rule` selects (OverlapError when some belong to other turfs and
    `take` is false; TurfError when the name is used or nothing matches)."""
    name = (name or "").strip()
    if not name:
        raise TurfError(_l("Give the turf a name."))
    if db.session.scalar(select(Turf.id).where(func.lower(Turf.name) == name.lower())) is not None:
        raise TurfError(_l("A turf named %(name)s already exists.", name=name))
    preview = preview_cut(rule)
    if not preview.addresses:
        raise TurfError(_l("No address matches: nothing to put in this turf."))
    if preview.taken and not take:
        raise OverlapError(preview)
    turf = Turf(name=name, rule=rule.as_json(), created_by_id=created_by_id, script=script, description=description)
    db.session.add(turf)
    db.session.flush()
    ids = [address.id for address in preview.addresses]
    _set_turf(ids, turf.id)
    ensure_households(ids)
    return turf


def remove_from_turf(turf: Turf, address_ids) -> int:
    """Take addresses out of `turf` (they belong to no turf afterwards)."""
    ids = list(db.session.scalars(select(Address.id).where(Address.turf_id == turf.id, Address.id.in_(address_ids))))
    _set_turf(ids, None)
    return len(ids)


def delete_turf(turf: Turf) -> None:
    """Delete a turf; its addresses stay, in no turf; knocks stay with their households."""
    _set_turf(db.session.scalars(select(Address.id).where(Address.turf_id == turf.id)), None)
    db.session.delete(turf)
    db.session.flush()


def update_turf(turf: Turf, name: str, script: str | None, description: str | None) -> None:
    """Rename a turf and change its script and description."""
    name = (name or "").strip()
    if not name:
        raise TurfError(_l("Give the turf a name."))
    clash = db.session.scalar(select(Turf.id).where(func.lower(Turf.name) == name.lower(), Turf.id != turf.id))
    if clash is not None:
        raise TurfError(_l("A turf named %(name)s already exists.", name=name))
    turf.name, turf.script, turf.description = name, (script or "").strip() or None, (description or "").strip() or None
    db.session.flush()


def streets_and_areas() -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Known streets (display name, addresses) and areas (value, addresses), for the cutting form."""
    streets: dict[str, tuple[str, int]] = {}
    for key, name, count in db.session.execute(
        select(Address.street_key, func.min(Address.street), func.count()).group_by(Address.street_key)
    ):
        streets[key] = (name, count)
    areas = db.session.execute(
        select(Address.area, func.count())
        .where(Address.area.is_not(None))
        .group_by(Address.area)
        .order_by(Address.area)
    ).all()
    return sorted(streets.values(), key=lambda item: fold(item[0])), [tuple(row) for row in areas]


def find_turf(name_or_id: str) -> Turf | None:
    """A turf by id or by name (case-insensitive), for commands."""
    if str(name_or_id).isdigit():
        turf = db.session.get(Turf, int(name_or_id))
        if turf is not None:
            return turf
    return db.session.scalar(select(Turf).where(func.lower(Turf.name) == str(name_or_id).strip().lower()))


# ---------------------------------------------------------------- assignments


def assign(turf: Turf, user: User, until: date, assigned_by_id: int | None = None) -> TurfAssignment:
    """Let `user` walk (and see) `turf` until `until` (a later call for the same user moves the date)."""
    if until < local_today():
        raise TurfError(_l("The end date is in the past."))
    if not user.active:
        raise TurfError(_l("This account is deactivated."))
    if user.role not in ("canvasser", "organizer", "leader", "admin"):
        raise TurfError(_l("This person cannot be given a turf."))
    assignment = db.session.scalar(
        select(TurfAssignment).where(TurfAssignment.turf_id == turf.id, TurfAssignment.user_id == user.id)
    )
    if assignment is None:
        assignment = TurfAssignment(turf_id=turf.id, user_id=user.id, until=until, assigned_by_id=assigned_by_id)
        db.session.add(assignment)
    else:
        assignment.until, assignment.assigned_by_id = until, assigned_by_id
    db.session.flush()
    return assignment


def end_assignment(assignment: TurfAssignment) -> None:
    """Withdraw a turf from someone."""
    db.session.delete(assignment)
    db.session.flush()


def assignments_of(turf: Turf, current_only: bool = False) -> list[TurfAssignment]:
    """Who holds `turf` (with their user loaded), latest end date first."""
    query = (
        select(TurfAssignment)
        .where(TurfAssignment.turf_id == turf.id)
        .options(selectinload(TurfAssignment.user))
        .order_by(TurfAssignment.until.desc())
    )
    if current_only:
        query = query.where(TurfAssignment.until >= local_today())
    return list(db.session.scalars(query))


def assignable_users() -> list[User]:
    """Active accounts a turf can be given to."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name)))


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


# ---------------------------------------------------------------- knocks brought back


def parse_result(raw: str | None) -> str | None:
    """A result code from what was typed: "1".."8", or the code itself; None when empty.

    Raises TurfError on anything else."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    if text in SHORT_CODE_RESULTS:
        return SHORT_CODE_RESULTS[text]
    if text in DOOR_RESULTS:
        return text
    raise TurfError(_l("Unknown result code %(code)s (type 1 to 8).", code=(raw or "").strip()[:10]))


def parse_support(raw) -> int | None:
    """A support level 1-5 or None; TurfError otherwise (and when the deployment switched them off)."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    if not current_app.config.get("SUPPORT_LEVELS_ENABLED", True):
        raise TurfError(_l("Support levels are not recorded here."))
    if text not in {str(level) for level in SUPPORT_LEVELS}:
        raise TurfError(_l("The support level must be 1 to 5."))
    return int(text)


def record_knock(
    household: Household,
    result: str,
    canvasser_id: int | None,
    *,
    resident_id: int | None = None,
    support_level: int | None = None,
    note: str | None = None,
    follow_up: bool = False,
    entered_via: str = "phone",
    knocked_at: datetime | None = None,
) -> DoorKnock:
    """Log a knock at `household`. "do_not_contact" marks who answered (or the whole household when
    nobody is named) so they vanish from future sheets; "talked" with a resident dates their last contact.

    `household.residents` must be loaded."""
    if result not in DOOR_RESULTS:
        raise TurfError(_l("Unknown result code %(code)s (type 1 to 8).", code=str(result)[:10]))
    if support_level is not None and support_level not in SUPPORT_LEVELS:
        raise TurfError(_l("The support level must be 1 to 5."))
    resident = None
    if resident_id is not None:
        resident = next((r for r in household.residents if r.id == resident_id), None)
        if resident is None:
            raise TurfError(_l("This person does not live behind this door."))
    when = knocked_at or utcnow()
    knock = DoorKnock(
        household_id=household.id,
        resident_id=resident.id if resident else None,
        canvasser_id=canvasser_id,
        knocked_at=when,
        result=result,
        support_level=support_level,
        note=(note or "").strip() or None,
        follow_up=bool(follow_up),
        entered_via=entered_via,
    )
    db.session.add(knock)
    if result == "do_not_contact":
        for person in [resident] if resident else household.residents:
            if not person.do_not_contact:
                person.do_not_contact = True
                person.do_not_contact_at = utcnow()
    elif (
        result == "talked"
        and resident is not None
        and (resident.last_contacted_at is None or _aware(resident.last_contacted_at) < _aware(when))
    ):
        resident.last_contacted_at = when
    db.session.flush()
    return knock


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class GridRow:
    """One line of the data entry grid as typed."""

    household_id: int
    result: str = ""
    support: str = ""
    note: str = ""
    follow_up: bool = False
    errors: list[str] = field(default_factory=list)
    parsed_result: str | None = None
    parsed_support: int | None = None
    # A row of the paper sheet names its person (the compact sheet has one row per resident).
    resident_id: int | None = None
    entered_via: str = "sheet"


def save_sheet(turf: Turf, rows: list[GridRow], canvasser_id: int | None, knocked_on: date) -> int | None:
    """Record a whole sheet at once: every row is checked first; if any is wrong nothing is written
    (the rows carry their errors and None is returned). Rows with neither result nor support are doors
    not entered. Returns the number of knocks written."""
    doors = {door.household.id: door for door in turf_doors(turf)}
    if knocked_on > local_today():
        raise TurfError(_l("The date of the round cannot be in the future."))
    bad = False
    for row in rows:
        row.errors = []
        if row.household_id not in doors:
            row.errors.append(str(_l("This door is not in the turf.")))
        try:
            row.parsed_result = parse_result(row.result)
        except TurfError as error:
            row.errors.append(str(error))
        try:
            row.parsed_support = parse_support(row.support)
        except TurfError as error:
            row.errors.append(str(error))
        if row.parsed_result is None and (row.parsed_support is not None or row.note.strip() or row.follow_up):
            row.errors.append(str(_l("Give a result code for this door.")))
        if row.parsed_support is not None and row.parsed_result not in (None, "talked"):
            row.errors.append(str(_l("A support level goes with a conversation (code 2).")))
        bad = bad or bool(row.errors)
    if bad:
        return None
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    # Noon local time: a paper round has a day, not an hour.
    when = datetime(knocked_on.year, knocked_on.month, knocked_on.day, 12, tzinfo=tz).astimezone(UTC)
    written = 0
    for row in rows:
        if row.parsed_result is None:
            continue
        record_knock(
            doors[row.household_id].household,
            row.parsed_result,
            canvasser_id,
            resident_id=row.resident_id,
            support_level=row.parsed_support,
            note=row.note,
            follow_up=row.follow_up,
            entered_via=row.entered_via,
            knocked_at=when,
        )
        written += 1
    return written


def turf_summary(turf: Turf) -> dict:
    """Name, doors and residents of a turf (what `--json` prints)."""
    doors = turf_doors(turf)
    return {
        "id": turf.id,
        "name": turf.name,
        "addresses": len({door.address.id for door in doors}),
        "doors": len(doors),
        "residents": sum(len(door.residents) for door in doors),
        "do_not_knock": sum(1 for door in doors if door.do_not_knock),
        "rule": turf.rule,
    }
