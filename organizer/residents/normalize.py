"""Normalisation for matching and ordering: names, streets, house numbers, French phone numbers."""

import re
import unicodedata

from organizer.residents.phones import to_e164

# Suffixes in the order a street is walked: 12, 12 bis, 12 ter, 12 quater, then lettered 12 A, 12 B...
LATIN_SUFFIXES = ("bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "nonies")

# Street-type abbreviations expanded before matching ("av." and "avenue" are one street).
STREET_ABBREVIATIONS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "boul": "boulevard",
    "bld": "boulevard",
    "pl": "place",
    "r": "rue",
    "rte": "route",
    "che": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "sq": "square",
    "crs": "cours",
    "fbg": "faubourg",
    "pas": "passage",
    "qu": "quai",
    "res": "residence",
    "resid": "residence",
    "lot": "lotissement",
    "hameau": "hameau",
    "ham": "hameau",
    "st": "saint",
    "ste": "sainte",
    "gal": "general",
    "mal": "marechal",
    "pdt": "president",
    "gde": "grande",
    "gd": "grand",
    "pte": "petite",
    "pt": "petit",
}

_NUMBER_PATTERN = re.compile(r"^\s*(\d+)\s*(?:[-/]\s*\d+)?\s*([A-Za-z]*)\.?\s*$")


def fold(text: str | None) -> str:
    """Lower-case, accents removed, punctuation to spaces, spaces collapsed: "Hélène-Marie" -> "helene marie"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    cleaned = re.sub(r"[^0-9a-z]+", " ", without_accents.lower().replace("œ", "oe").replace("æ", "ae"))
    return cleaned.strip()


def name_key(first_name: str | None, last_name: str | None) -> str:
    """The folded "first last" used for search and duplicate detection."""
    return f"{fold(first_name)} {fold(last_name)}".strip()


def street_key(street: str | None) -> str:
    """Folded street name with abbreviations expanded: "Av. Jean-Jaurès" -> "avenue jean jaures"."""
    words = fold(street).split()
    return " ".join(STREET_ABBREVIATIONS.get(word, word) for word in words)


def normalize_suffix(suffix: str | None) -> str | None:
    """Lower-case, accent-free suffix: "BIS" -> "bis"; a lone letter stays a letter ("B" -> "b"); "" -> None."""
    return fold(suffix).replace(" ", "") or None


def split_number(raw: str | None) -> tuple[int | None, str | None]:
    """ "12 bis" -> (12, "bis"); "12B" -> (12, "b"); "12-14" -> (12, None); "" or "s/n" -> (None, None).

    A single letter glued to the number stays a letter ("12B" is door B, as printed); spelled-out
    Latin suffixes are recognised in any case.
    """
    if raw is None:
        return None, None
    match = _NUMBER_PATTERN.match(str(raw))
    if not match:
        return None, None
    number, suffix = int(match.group(1)), fold(match.group(2)) or None
    return number, suffix


def suffix_rank(suffix: str | None) -> tuple[int, str]:
    """Sort key for a suffix: none first, then bis, ter, quater..., then letters alphabetically."""
    if not suffix:
        return (0, "")
    if suffix in LATIN_SUFFIXES:
        return (1 + LATIN_SUFFIXES.index(suffix), "")
    return (len(LATIN_SUFFIXES) + 1, suffix)


def phone_e164(raw: str | None, country: str | None = None) -> str | None:
    """A phone number in E.164 ("06 12 34 56 78" -> "+33612345678"), read in the organization's country;
    None when it is not a valid number (see organizer.residents.phones)."""
    return to_e164(raw, country)
