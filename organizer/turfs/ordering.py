"""Walk order: how a canvasser goes through a turf, door after door. One function, `sort_addresses`, used
by the paper sheet, the phone list and the entry grid, so the three always agree.

Within a street one walks up one side and comes back down the other: odd numbers ascending then even
numbers descending, or the very reverse (even ascending, odd descending) when that starts nearer to where
the previous street ended. Numbers keep their suffixes in order (12, 12 bis, 12 ter, 12 A, 14; reversed
when walking down), and inside one number the flats go by building, staircase, floor and door (always
upward: one climbs the stairs whichever way one walks the street).

Streets are chained by nearness from the addresses' own coordinates: the next street is the one whose
first door (in either direction) is nearest to the last door of the previous one. The walk starts at the
street end farthest from the middle of the turf, so it sweeps across instead of starting in the middle.
Streets without coordinates come last, by name.

The rural option drops the sides: on a country road houses are numbered along the way (often in metres)
and one takes them as they come, both sides together, up or down the road.
"""

import math
import re
from collections import defaultdict
from itertools import groupby

from organizer.residents.normalize import fold, suffix_rank

_CHUNKS = re.compile(r"(\d+)")
# Ground floor spelled out ("RDC", "rez-de-chaussée") goes before the first floor.
_GROUND_FLOORS = {"rdc", "rez de chaussee", "ground", "ground floor", "gf", "0"}
# Metres per degree of latitude (and of longitude at the equator): enough for comparing walking distances.
_METRES_PER_DEGREE = 111_320.0


def natural_key(value: str | None) -> tuple:
    """ "B2" < "B10"; empty first; case and accents ignored."""
    text = fold(value)
    if not text:
        return ((0, 0, ""),)
    if text in _GROUND_FLOORS:
        return ((0, 0, "0"),)
    return tuple((1, int(part), "") if part.isdigit() else (1, -1, part) for part in _CHUNKS.split(text) if part)


def side_rank(number: int | None) -> int:
    """Odd side first, then even; addresses without a number after both."""
    if number is None:
        return 2
    return 0 if number % 2 else 1


def street_of(address) -> str:
    """The key grouping an address's street (its street_key, or the folded name when there is none)."""
    return address.street_key or fold(address.street)


def _flat_key(address) -> tuple:
    """Inside one number: building, staircase, floor, door, then id (stable)."""
    return (
        natural_key(address.building),
        natural_key(address.staircase),
        natural_key(address.floor),
        natural_key(address.door),
        address.id or 0,
    )


def _number_key(address) -> tuple:
    return (address.number if address.number is not None else 0, suffix_rank(address.suffix))


def address_key(address, rural: bool = False) -> tuple:
    """Sort key of an Address within its street, walking up the odd side (or along a rural road)."""
    number = address.number
    side = 0 if rural and number is not None else side_rank(number)
    return (street_of(address), side, *_number_key(address), *_flat_key(address))


def _runs(addresses: list, key) -> list[list]:
    """Consecutive addresses sharing `key` (one number with its suffix: a house or a block of flats)."""
    return [list(run) for _key, run in groupby(addresses, key=key)]


def street_walk(addresses: list, rural: bool = False) -> list:
    """One street in its default direction: odd side up then even side down (rural: by number, up the
    road); addresses without a number at the end."""
    ordered = sorted(addresses, key=lambda address: address_key(address, rural))
    numbered = [a for a in ordered if a.number is not None]
    unnumbered = [a for a in ordered if a.number is None]
    if rural:
        return numbered + unnumbered
    odd = [a for a in numbered if a.number % 2]
    even = [a for a in numbered if not a.number % 2]
    # Coming back down the even side: numbers (with their suffixes) in reverse, each block of flats upward.
    down = [address for run in reversed(_runs(even, _number_key)) for address in run]
    return odd + down + unnumbered


def reverse_walk(walk: list) -> list:
    """The same loop walked the other way round (blocks of flats still climbed upward)."""
    numbered = [a for a in walk if a.number is not None]
    unnumbered = [a for a in walk if a.number is None]
    return [address for run in reversed(_runs(numbered, _number_key)) for address in run] + unnumbered


def _point(address) -> tuple[float, float] | None:
    if address.lat is None or address.lon is None:
        return None
    return (address.lat, address.lon)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line distance in metres between two (lat, lon) points (equirectangular: streets are short)."""
    mean = math.radians((a[0] + b[0]) / 2)
    dx = (b[1] - a[1]) * math.cos(mean)
    dy = b[0] - a[0]
    return math.hypot(dx, dy) * _METRES_PER_DEGREE


def _ends(walk: list) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
    """The first and last located doors of a walk."""
    located = [p for p in (_point(a) for a in walk) if p is not None]
    return (located[0], located[-1]) if located else (None, None)


def chain_streets(walks: dict[str, list]) -> list[list]:
    """Order streets (each given as its default walk) by nearness, each walked in its best direction."""
    located = {key: walk for key, walk in walks.items() if _ends(walk)[0] is not None}
    blind = [walks[key] for key in sorted(walks) if key not in located]
    if not located:
        return blind
    # Each street both ways, with its end points computed once: (walk, first point, last point).
    options = {}
    for key, walk in located.items():
        first, last = _ends(walk)
        options[key] = ((walk, first, last), (reverse_walk(walk), last, first))
    points = [p for walk in located.values() for p in (_point(a) for a in walk) if p is not None]
    middle = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    # Start at the street end farthest from the middle; ties (and equal distances later) by street name.
    start_key, start = max(
        ((key, option) for key, pair in sorted(options.items()) for option in pair),
        key=lambda item: distance_m(item[1][1], middle),
    )
    chained = [start[0]]
    del options[start_key]
    here = start[2]
    while options:
        best = None
        for key in sorted(options):
            for option in options[key]:
                gap = distance_m(here, option[1])
                if best is None or gap < best[0] - 1e-9:
                    best = (gap, key, option)
        _gap, key, option = best
        chained.append(option[0])
        del options[key]
        here = option[2]
    return chained + blind


def sort_addresses(addresses, rural: bool = False) -> list:
    """The addresses in walking order: each street up one side and down the other (rural: along the road),
    streets chained by nearness."""
    streets: dict[str, list] = defaultdict(list)
    for address in addresses:
        streets[street_of(address)].append(address)
    walks = {key: street_walk(items, rural) for key, items in streets.items()}
    return [address for walk in chain_streets(walks) for address in walk]
