"""Walk order: how a canvasser goes through a turf, door after door.

Street by street; on each street the odd side going up, then the even side going up (one walks one
side and comes back along the other); numbers with their suffixes in order (12, 12 bis, 12 ter, 12 A,
14); then building, staircase, floor and door. The rural option keeps the street but drops the sides:
on a country road houses are numbered along the way (often in metres) and one takes them as they come.
"""

import re

from organizer.residents.normalize import fold, suffix_rank

_CHUNKS = re.compile(r"(\d+)")
# Ground floor spelled out ("RDC", "rez-de-chaussée") goes before the first floor.
_GROUND_FLOORS = {"rdc", "rez de chaussee", "ground", "ground floor", "gf", "0"}


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


def address_key(address, rural: bool = False) -> tuple:
    """Sort key of an Address (anything with number/suffix/street_key/building/staircase/floor/door)."""
    number = address.number
    street = address.street_key or fold(address.street)
    side = 0 if rural and number is not None else side_rank(number)
    return (
        street,
        side,
        number if number is not None else 0,
        suffix_rank(address.suffix),
        natural_key(address.building),
        natural_key(address.staircase),
        natural_key(address.floor),
        natural_key(address.door),
        address.id or 0,
    )


def sort_addresses(addresses, rural: bool = False) -> list:
    """The addresses in walking order."""
    return sorted(addresses, key=lambda address: address_key(address, rural))
