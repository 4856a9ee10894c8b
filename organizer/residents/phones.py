"""Phone numbers through Google's libphonenumber (the `phonenumbers` package): parsed in the
organization's country, validated, stored in E.164 ("+33612345678"), shown in the national form of that
country ("06 12 34 56 78") and in the international form for a number from elsewhere."""

import phonenumbers
from flask import current_app, has_app_context

DEFAULT_REGION = "FR"


def region() -> str:
    """The organization's country (ISO 3166 code, setting COUNTRY): how numbers without +prefix are read."""
    if has_app_context():
        return (current_app.config.get("COUNTRY") or DEFAULT_REGION).upper()
    return DEFAULT_REGION


def parse(raw: str | None, country: str | None = None) -> phonenumbers.PhoneNumber | None:
    """The number `raw` means, read in `country` (default: the organization's), or None if it is not a valid one."""
    text = (raw or "").strip()
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, country or region())
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    # A number of the right length in a range the library does not know yet (regulators open ranges
    # faster than libraries update) is kept; a wrong length, a leading zero left or one digit repeated is not.
    national = str(number.national_number)
    possible = phonenumbers.is_possible_number_with_reason(number) == phonenumbers.ValidationResult.IS_POSSIBLE
    return number if possible and len(set(national)) > 1 and not number.italian_leading_zero else None


def to_e164(raw: str | None, country: str | None = None) -> str | None:
    """ "06 12 34 56 78" -> "+33612345678"; None when it is not a valid phone number."""
    number = parse(raw, country)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def display(stored: str | None, country: str | None = None) -> str:
    """A stored number as people write it: national form at home ("06 12 34 56 78"), international otherwise
    ("+32 470 12 34 56"); a value that does not parse is shown as it was stored."""
    if not stored:
        return ""
    home = country or region()
    try:
        number = phonenumbers.parse(stored, home)
    except phonenumbers.NumberParseException:
        return stored
    if phonenumbers.region_code_for_number(number) == home:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def last_digits(stored: str | None, count: int = 2) -> str:
    """The end of a number ("… 78"), enough to tell two namesakes apart without showing the whole number."""
    digits = "".join(ch for ch in stored or "" if ch.isdigit())
    return digits[-count:] if len(digits) >= count else ""
