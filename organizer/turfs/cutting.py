"""Cutting the neighbourhood into turfs: which addresses a rule selects, and the verbs that move them.

Verbs add and flush; the caller (a view or a command) commits."""

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from organizer.extensions import db
from organizer.residents.models import Address, Household
from organizer.residents.normalize import fold, street_key
from organizer.turfs.errors import OverlapError, TurfError
from organizer.turfs.models import Turf
from organizer.turfs.ordering import sort_addresses

SIDES = ("both", "odd", "even")
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
