"""One address line split into its parts: number, suffix, street, unit (building, staircase, floor, door),
postcode and city.

French first ("12 bis av. Jean-Jaurès, Bât. B, esc. 2, 3e étage, porte 12, 54400 Longwy") and the common
North-American form ("123 Main St Apt 4B, Springfield, IL 62701", "4B-123 Main St"). The parser never
invents: what it cannot place stays in the street, so a person can read and correct it on the check page.
"""

import re
from dataclasses import asdict, dataclass

from organizer.residents.normalize import LATIN_SUFFIXES

NORTH_AMERICA = ("US", "CA")


@dataclass
class ParsedAddress:
    """The parts of one address line; None where the line did not say."""

    number: int | None = None
    suffix: str | None = None
    street: str = ""
    building: str | None = None
    staircase: str | None = None
    floor: str | None = None
    door: str | None = None
    postcode: str | None = None
    city: str | None = None
    region: str | None = None

    def as_dict(self) -> dict:
        """The parts as a dict (the import's field names)."""
        return asdict(self)


_ACCENTS = "a-zA-ZÀ-ÖØ-öø-ÿœŒ"
_WORD = rf"[0-9{_ACCENTS}][0-9{_ACCENTS}/-]*"
_LATIN = "|".join(sorted(LATIN_SUFFIXES, key=len, reverse=True))

# Unit markers, French and English; each captures the value that follows (or precedes, for floors).
# After a marker: a dot, spaces, or digits straight away ("esc.B", "esc B", "bat2"), never more letters
# ("Bateau", "Escaut" are not buildings or staircases).
_AFTER = r"(?:\.\s*|\s+|(?=\d))(?:n[°o]\s*)?"
_BUILDING = re.compile(
    rf"(?<![{_ACCENTS}])(?:b[âa]timent|b[âa]t|immeuble|imm|building|bldg|bdg){_AFTER}(?P<v>{_WORD})", re.IGNORECASE
)
_STAIRCASE = re.compile(rf"(?<![{_ACCENTS}])(?:escalier|esc|staircase|stair){_AFTER}(?P<v>{_WORD})", re.IGNORECASE)
_FLOOR = re.compile(
    rf"(?<![{_ACCENTS}])(?:"
    rf"(?P<n>\d+|rdc)\s*(?:e|è|ème|eme|er|ère|ere|re|st|nd|rd|th)?\.?\s*(?:[ée]tage|[ée]t\.|floor|fl\.)"
    rf"|(?:[ée]tage|floor|fl\.)\s*(?P<v>{_WORD})"
    rf"|(?P<g>rez[- ]de[- ]chauss[ée]e|rdc|ground floor))",
    re.IGNORECASE,
)
_DOOR = re.compile(
    rf"(?<![{_ACCENTS}])(?:porte|appartement|appart|appt|app|apartment|apt|unit[ée]?|suite|logement|lgt|door)"
    rf"{_AFTER}(?P<v>#?{_WORD})"
    rf"|#\s*(?P<h>{_WORD})",
    re.IGNORECASE,
)
# A door is a number, a letter or two, or a side: "Rue de la Porte Rouge" has no door "Rouge".
_DOOR_WORDS = {"gauche", "droite", "face", "fond", "milieu", "left", "right", "front", "rear", "back"}
_FR_POSTCODE = re.compile(rf"(?:^|[\s,])(?P<code>\d{{5}})(?:\s+(?P<city>[{_ACCENTS}][{_ACCENTS}' .-]*))?\s*$")
_FR_CEDEX = re.compile(r"\s+cedex(?:\s+\d+)?\s*$", re.IGNORECASE)
_US_TAIL = re.compile(
    rf",\s*(?P<city>[{_ACCENTS}][{_ACCENTS}' .-]*?)\s*,?\s+(?P<region>[A-Z]{{2}})\.?\s+(?P<code>\d{{5}}(?:-\d{{4}})?|"
    r"[A-Z]\d[A-Z]\s?\d[A-Z]\d)\s*$"
)
_US_REGION_CITY = re.compile(rf",\s*(?P<city>[{_ACCENTS}][{_ACCENTS}' .-]*?)\s*,\s*(?P<region>[A-Z]{{2}})\s*$")
# "4B-123 Main St": a Canadian unit before the civic number.
_CA_UNIT_FIRST = re.compile(r"^\s*(?P<unit>\w+)\s*-\s*(?P<number>\d+)\s+(?P<rest>.+)$")
_FR_NUMBER = re.compile(
    rf"^\s*(?:n[°o]\s*)?(?P<number>\d+)(?:\s*[-/à]\s*\d+)?\s*(?:(?P<latin>{_LATIN})\b|(?P<letter>[a-hA-H])(?![{_ACCENTS}.]))?"
    r"\.?\s*,?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NA_NUMBER = re.compile(r"^\s*(?P<number>\d+)(?P<letter>[a-zA-Z])?(?:\s+1/2)?\s*,?\s+(?P<rest>.+)$")


def _clean(text: str) -> str:
    """Spaces collapsed, stray commas and dashes trimmed."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s*,\s*(,\s*)+", ", ", text)
    return text.strip(" ,;-")


def _take(pattern: re.Pattern, text: str, accept=None) -> tuple[str | None, str]:
    """The first value `pattern` finds (its first non-empty group) that `accept` likes, and the text without it."""
    for match in pattern.finditer(text):
        value = next((v for v in match.groupdict().values() if v), None)
        if accept is not None and not accept(value):
            continue
        return value, f"{text[: match.start()]} , {text[match.end() :]}"
    return None, text


def _door_like(value: str | None) -> bool:
    value = (value or "").lstrip("#")
    return bool(re.search(r"\d", value)) or len(value) <= 2 or value.lower() in _DOOR_WORDS


def _floor_value(text: str) -> tuple[str | None, str]:
    match = _FLOOR.search(text)
    if not match:
        return None, text
    if match.group("g") or (match.group("n") or "").lower() == "rdc":
        value = "0"
    else:
        value = match.group("n") or match.group("v")
    return value, f"{text[: match.start()]} , {text[match.end() :]}"


def split_unit(text: str | None) -> tuple[dict, str]:
    """Building, staircase, floor and door named in `text` ("Bât. B esc 2 3e étage porte 12"), and what is left."""
    parts: dict = {"building": None, "staircase": None, "floor": None, "door": None}
    rest = text or ""
    if not rest.strip():
        return parts, ""
    parts["building"], rest = _take(_BUILDING, rest)
    parts["staircase"], rest = _take(_STAIRCASE, rest)
    parts["floor"], rest = _floor_value(rest)
    parts["door"], rest = _take(_DOOR, rest, _door_like)
    if parts["door"]:
        parts["door"] = parts["door"].lstrip("#")
    else:
        # "RDC gauche", "2e droite": a side alone after the floor is the door.
        pieces = [p.strip() for p in rest.split(",")]
        sides = [p for p in pieces if p.lower() in _DOOR_WORDS]
        if sides and parts["floor"] is not None:
            parts["door"] = sides[0]
            pieces.remove(sides[0])
            rest = ", ".join(pieces)
    return parts, _clean(rest)


def parse_address(text: str | None, country: str = "FR") -> ParsedAddress:
    """Split one address line into its parts (see the module docstring); an empty line gives an empty street."""
    parsed = ParsedAddress()
    line = _clean(text or "")
    if not line:
        return parsed
    american = country.upper() in NORTH_AMERICA
    if american:
        tail = _US_TAIL.search(line) or _US_REGION_CITY.search(line)
        if tail:
            parsed.city, parsed.region = tail.group("city").strip(), tail.group("region")
            parsed.postcode = tail.groupdict().get("code")
            line = _clean(line[: tail.start()])
    else:
        line = _FR_CEDEX.sub("", line)
        tail = _FR_POSTCODE.search(line)
        if tail and tail.start() > 0:
            parsed.postcode = tail.group("code")
            parsed.city = (tail.group("city") or "").strip() or None
            line = _clean(line[: tail.start()])
    unit, line = split_unit(line)
    for key, value in unit.items():
        setattr(parsed, key, value)
    # The unit may have come first ("Bât B, 12 rue X"): the number is at the start of what is left.
    pieces = [p.strip() for p in line.split(",") if p.strip()]
    numbered = next((i for i, p in enumerate(pieces) if re.match(r"^\s*(?:n[°o]\s*)?\d", p, re.IGNORECASE)), None)
    if numbered is not None:
        line = ", ".join(pieces[numbered:] + pieces[:numbered])
    if american:
        unit_first = _CA_UNIT_FIRST.match(line)
        if unit_first and not parsed.door:
            parsed.door = unit_first.group("unit")
            line = f"{unit_first.group('number')} {unit_first.group('rest')}"
        match = _NA_NUMBER.match(line)
        if match:
            parsed.number = int(match.group("number"))
            parsed.suffix = (match.group("letter") or "").lower() or None
            line = match.group("rest")
    else:
        match = _FR_NUMBER.match(line)
        if match and match.group("rest").strip():
            parsed.number = int(match.group("number"))
            suffix = match.group("latin") or match.group("letter")
            parsed.suffix = suffix.lower() if suffix else None
            line = match.group("rest")
    parsed.street = _clean(line)
    return parsed


def starts_with_number(text: str | None) -> bool:
    """Does this street cell hold a whole address line ("21 rue Monety"), number first?"""
    return bool(text) and bool(re.match(r"^\s*(?:n[°o]\s*)?\d+", text, re.IGNORECASE))
