"""Turfs on a map: what a drawn area holds (live preview), splitting a turf with a line, merging two turfs,
streets drawn from the addresses' own coordinates, and a turf's doors as map data.

Verbs flush; the caller commits and audits. Nothing here reads the request.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import fold
from organizer.turfs import geometry
from organizer.turfs.cutting import TurfRule, _set_turf, create_turf, ensure_households, preview_cut
from organizer.turfs.doors import RESULT_COLOURS, RESULT_SHORT_CODES, address_line, turf_doors
from organizer.turfs.errors import OverlapError, TurfError
from organizer.turfs.models import Turf
from organizer.turfs.ordering import street_of

# Points per street line at most: a street drawn from its doors, smoothed.
_LINE_POINTS = 12


@dataclass
class AreaPreview:
    """What a drawn area (and doors picked by hand) would put in a turf."""

    ids: list[int] = field(default_factory=list)
    doors: int = 0
    residents: int = 0
    do_not_knock: int = 0
    # {turf id: (name, address ids)} of the addresses that belong to another turf.
    taken: dict[int, tuple[str, list[int]]] = field(default_factory=dict)

    def as_json(self) -> dict:
        """The JSON the map page reads."""
        return {
            "addresses": len(self.ids),
            "doors": self.doors,
            "residents": self.residents,
            "do_not_knock": self.do_not_knock,
            "ids": self.ids,
            "taken": [
                {"turf_id": turf_id, "name": name, "count": len(ids), "ids": ids}
                for turf_id, (name, ids) in sorted(self.taken.items(), key=lambda item: fold(item[1][0]))
            ],
        }


def _located(query):
    return query.where(Address.lat.is_not(None), Address.lon.is_not(None))


def _chosen(polygon: dict | None, address_ids=(), streets=(), exclude_ids=()) -> tuple[dict[int, int | None], tuple]:
    """{address id: its turf id} of the addresses inside `polygon`, plus those picked by hand, plus whole
    streets ("street key|commune", or a bare key for that street in every commune), minus those left out;
    and the polygon's bounds when only the polygon chose (so counts can be read by range, not by id)."""
    chosen: dict[int, int | None] = {}
    bounds: tuple = ()
    if polygon:
        area = geometry.polygon_shape(polygon)
        if not area.is_empty:
            west, south, east, north = area.bounds
            bounds = (Address.lat.between(south, north), Address.lon.between(west, east))
            rows = db.session.execute(
                select(Address.id, Address.lon, Address.lat, Address.turf_id).where(*bounds)
            ).all()
            if rows:
                ids, lons, lats, turfs = zip(*rows, strict=True)
                mask = geometry.inside_mask(area, lons, lats)
                chosen.update(zip(np.asarray(ids)[mask].tolist(), np.asarray(turfs, dtype=object)[mask], strict=True))
    picked = sorted({int(value) for value in address_ids})
    for start in range(0, len(picked), 500):
        query = select(Address.id, Address.turf_id).where(Address.id.in_(picked[start : start + 500]))
        chosen.update(db.session.execute(query).all())
        bounds = ()
    conditions = []
    for value in streets:
        key, bar, city = str(value).partition("|")
        if key:
            condition = Address.street_key == key
            conditions.append(and_(condition, func.coalesce(Address.city, "") == city) if bar else condition)
    if conditions:
        chosen.update(db.session.execute(select(Address.id, Address.turf_id).where(or_(*conditions))).all())
        bounds = ()
    for value in exclude_ids:
        chosen.pop(int(value), None)
    return chosen, bounds


def select_ids(polygon: dict | None = None, address_ids=(), streets=(), exclude_ids=()) -> list[int]:
    """The address ids a selection holds (see _chosen), sorted."""
    return sorted(_chosen(polygon, address_ids, streets, exclude_ids)[0])


def preview_selection(
    polygon: dict | None = None, address_ids=(), streets=(), exclude_ids=(), own_turf_id: int | None = None
) -> AreaPreview:
    """Doors, residents and do-not-knock doors of a selection, and which of its addresses belong to
    another turf than `own_turf_id`. Counted as the walk sheet counts: each household with residents is a
    door, an address with none is one door. Reads, never writes."""
    chosen, bounds = _chosen(polygon, address_ids, streets, exclude_ids)
    preview = AreaPreview(ids=sorted(chosen))
    if not chosen:
        return preview
    counts = (
        select(
            Household.address_id,
            func.count(Resident.id),
            func.sum(case((Resident.do_not_contact.is_(True), 1), else_=0)),
        )
        .join(Resident, Resident.household_id == Household.id)
        .group_by(Household.id, Household.address_id)
    )
    if bounds:
        # Only a polygon chose: read the households of its bounding box at once, keep those inside.
        batches = [counts.join(Address, Address.id == Household.address_id).where(*bounds)]
    else:
        batches = [
            counts.where(Household.address_id.in_(preview.ids[start : start + 500]))
            for start in range(0, len(preview.ids), 500)
        ]
    households = defaultdict(int)
    for query in batches:
        for address_id, residents, quiet in db.session.connection().execute(query):
            if address_id in chosen:
                households[address_id] += 1
                preview.residents += residents
                preview.do_not_knock += 1 if quiet and quiet == residents else 0
    preview.doors = len(chosen) + sum(count - 1 for count in households.values())
    taken: dict[int, list[int]] = defaultdict(list)
    for address_id in preview.ids:
        turf_id = chosen[address_id]
        if turf_id is not None and turf_id != own_turf_id:
            taken[turf_id].append(address_id)
    names = dict(db.session.execute(select(Turf.id, Turf.name).where(Turf.id.in_(list(taken)))).all())
    preview.taken = {turf_id: (names.get(turf_id, "?"), found) for turf_id, found in taken.items()}
    return preview


def create_from_map(
    name: str, ids: list[int], polygon: dict | None, take: bool, created_by_id: int | None, script: str | None = None
):
    """A new turf of exactly these addresses (the drawn polygon kept in its rule). With `take` false the
    addresses of other turfs are left where they are; OverlapError if that leaves nothing."""
    if not ids:
        raise TurfError(_l("The drawn area holds no door: draw around some doors or tick streets."))
    if not take:
        mine = set(db.session.scalars(select(Address.id).where(Address.id.in_(ids), Address.turf_id.is_(None))))
        left = [i for i in ids if i in mine]
        if not left:
            raise OverlapError(preview_cut(TurfRule(address_ids=ids)))
        ids = left
    turf = create_turf(name, TurfRule(address_ids=ids), created_by_id=created_by_id, take=take, script=script)
    rule = dict(turf.rule or {})
    rule["map"] = True
    if polygon:
        rule["polygon"] = geometry.as_geojson(geometry.polygon_shape(polygon))
    turf.rule = rule
    db.session.flush()
    return turf


def split_turf(turf: Turf, new_name: str, line: dict | None = None, address_ids=(), created_by_id=None) -> Turf:
    """Cut `turf` in two: the doors on the far side of `line` (or the addresses picked by hand) go to a
    new turf named `new_name`. Raises TurfError when that would leave either turf empty."""
    rows = db.session.execute(select(Address.id, Address.lon, Address.lat).where(Address.turf_id == turf.id)).all()
    if line is not None:
        located = [row for row in rows if row.lon is not None and row.lat is not None]
        if len(located) < 2:
            raise TurfError(_l("This turf has too few doors on the map to be split with a line."))
        sides = geometry.split_sides(geometry.line_shape(line), [r.lon for r in located], [r.lat for r in located])
        # The new turf takes the smaller side, the turf keeps its name and the larger one.
        count_one = int(sides.sum())
        moving_side = 1 if count_one <= len(located) - count_one else 0
        moving = [row.id for row, side in zip(located, sides, strict=True) if side == moving_side]
    else:
        own = {row.id for row in rows}
        moving = sorted({int(i) for i in address_ids} & own)
    if not moving:
        raise TurfError(_l("Choose the doors that go to the new turf."))
    if len(moving) >= len(rows):
        raise TurfError(_l("A split must leave doors in both turfs."))
    new = create_turf(new_name, TurfRule(address_ids=moving), created_by_id=created_by_id, take=True)
    new.rule = {"split_from": turf.name, "by_hand": len(moving)}
    db.session.flush()
    return new


def merge_turfs(turf: Turf, other: Turf) -> int:
    """Move every address of `other` into `turf`, then delete `other` (its holders lose it). Returns the
    number of addresses moved."""
    if other.id == turf.id:
        raise TurfError(_l("Choose another turf to merge with this one."))
    ids = list(db.session.scalars(select(Address.id).where(Address.turf_id == other.id)))
    _set_turf(ids, turf.id)
    ensure_households(ids)
    db.session.delete(db.session.get(Turf, other.id))
    db.session.flush()
    return len(ids)


def set_rural(turf: Turf, rural: bool) -> None:
    """Walk this turf in rural order (by number along each road) or not; kept in its rule."""
    rule = dict(turf.rule or {})
    if rural:
        rule["rural"] = True
    else:
        rule.pop("rural", None)
    turf.rule = rule
    db.session.flush()


def street_line(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A street drawn from its doors' (lat, lon): along the points' main direction, averaged in a few
    steps (the doors stand on both sides; the line runs between them)."""
    if len(points) < 2:
        return []
    array = np.asarray(points, dtype=float)
    centre = array.mean(axis=0)
    scale = np.array([1.0, np.cos(np.radians(centre[0]))])
    flat = (array - centre) * scale
    _u, _s, vt = np.linalg.svd(flat, full_matrices=False)
    along = flat @ vt[0]
    order = np.argsort(along, kind="stable")
    # About five doors per step: both sides of the street averaged, so the line runs down the middle.
    chunks = np.array_split(order, max(2, min(_LINE_POINTS, len(points) // 5)))
    line = [tuple(np.round(array[chunk].mean(axis=0), 6)) for chunk in chunks if len(chunk)]
    return [(float(lat), float(lon)) for lat, lon in line]


def street_lines(addresses) -> list[dict]:
    """[{"name", "points": [[lat, lon], ...]}] for each street of these addresses (with coordinates)."""
    by_street: dict[str, list] = defaultdict(list)
    names: dict[str, str] = {}
    for address in addresses:
        if address.lat is None or address.lon is None:
            continue
        key = street_of(address)
        by_street[key].append((address.lat, address.lon))
        names.setdefault(key, address.street)
    lines = []
    for key in sorted(by_street):
        line = street_line(by_street[key])
        if line:
            lines.append({"name": names[key], "points": [list(point) for point in line]})
    return lines


def all_doors() -> dict:
    """Every located address for the cutting map: compact rows [id, lat, lon, turf id, label, street key],
    the turfs' names, and the streets as lines. Addresses only: no names of people."""
    rows = db.session.execute(
        _located(
            select(
                Address.id,
                Address.lat,
                Address.lon,
                Address.turf_id,
                Address.number,
                Address.suffix,
                Address.street,
                Address.street_key,
            )
        ).order_by(Address.id)
    ).all()
    turfs = dict(db.session.execute(select(Turf.id, Turf.name)).all())
    doors = [
        [row.id, round(row.lat, 6), round(row.lon, 6), row.turf_id, address_line(row), row.street_key] for row in rows
    ]
    return {"doors": doors, "turfs": {str(k): v for k, v in turfs.items()}, "streets": street_lines(rows)}


def streets_by_commune() -> list[dict]:
    """Streets with their commune and door count, for the searchable list: [{"key", "name", "commune",
    "addresses", "free"}], by commune then street name."""
    rows = db.session.execute(
        select(
            Address.street_key,
            func.min(Address.street),
            Address.city,
            func.count(),
            func.sum(case((Address.turf_id.is_(None), 1), else_=0)),
        ).group_by(Address.street_key, Address.city)
    ).all()
    streets = [
        {"key": key, "name": name, "commune": city or "", "addresses": count, "free": int(free or 0)}
        for key, name, city, count, free in rows
    ]
    return sorted(streets, key=lambda s: (fold(s["commune"]), fold(s["name"])))


def turf_map_data(turf: Turf, rural: bool = False) -> dict:
    """A turf's doors in walking order for a map: seq, household id, address, coordinates, last result
    (code, short code, colour) and do-not-knock; the route as [lat, lon] and the streets as lines. No
    resident names: the door page shows them to those who may see them."""
    doors = turf_doors(turf, rural=rural)
    out, route = [], []
    for door in doors:
        address = door.address
        result = door.last_knock.result if door.last_knock else None
        located = address.lat is not None and address.lon is not None
        if located and (not route or route[-1] != [address.lat, address.lon]):
            route.append([address.lat, address.lon])
        out.append(
            {
                "seq": door.seq,
                "household_id": door.household.id,
                "address_id": address.id,
                "label": address_line(address),
                "lat": address.lat,
                "lon": address.lon,
                "result": result,
                "code": RESULT_SHORT_CODES.get(result, ""),
                "colour": RESULT_COLOURS.get(result, RESULT_COLOURS[None]),
                "do_not_knock": door.do_not_knock,
            }
        )
    return {
        "turf": {"id": turf.id, "name": turf.name},
        "doors": out,
        "route": route,
        "streets": street_lines(door.address for door in doors),
    }
