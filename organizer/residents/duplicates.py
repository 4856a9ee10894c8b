"""Likely duplicates caught on the way in: the resident form and imports ask before adding someone who
looks like a person already known.

A resident already known "looks like" the new one when the folded names are the same (accents, case and
the order of first and last name ignored), or the phone (any format, compared in E.164), or the e-mail
(case ignored); living behind the same door makes it stronger and is said too.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import fold, name_key, phone_e164, split_number
from organizer.residents.services import address_match_clause

REASON_LABELS = {
    "name": _l("same name"),
    "phone": _l("same phone"),
    "email": _l("same e-mail"),
    "door": _l("same door"),
}
MAX_SHOWN = 10


@dataclass
class Likely:
    """A resident already known who may be the one being added, and why."""

    resident: Resident
    reasons: list[str] = field(default_factory=list)

    @property
    def strong(self) -> bool:
        """Two reasons, or a phone or e-mail: almost surely the same person."""
        return len(self.reasons) > 1 or bool({"phone", "email"} & set(self.reasons))


def _name_keys(first: str | None, last: str | None) -> set[str]:
    keys = {name_key(first, last), name_key(last, first)}
    return {key for key in keys if key}


def likely_duplicates(
    base_query,
    *,
    first_name: str | None,
    last_name: str | None,
    phones: tuple[str | None, ...] = (),
    email: str | None = None,
    address_id: int | None = None,
    exclude_id: int | None = None,
) -> list[Likely]:
    """The residents of `base_query` (what the person may see) who look like the one described, strongest first.

    Names are compared folded and in either order; a name alone counts only with a first name, so that
    "Dupont" typed alone does not match every Dupont of the city.
    """
    keys = _name_keys(first_name, last_name) if fold(first_name) and fold(last_name) else set()
    numbers = {number for number in (phone_e164(p) for p in phones if p) if number}
    mail = (email or "").strip().lower() or None
    terms = []
    if keys:
        terms.append(Resident.name_key.in_(keys))
    if numbers:
        terms.append(or_(Resident.phone.in_(numbers), Resident.phone_alt.in_(numbers)))
    if mail:
        terms.append(func.lower(Resident.email) == mail)
    if not terms:
        return []
    query = base_query.where(or_(*terms))
    if exclude_id is not None:
        query = query.where(Resident.id != exclude_id)
    query = query.options(selectinload(Resident.household).selectinload(Household.address))
    found = []
    for resident in db.session.scalars(query.order_by(Resident.id).limit(50)):
        reasons = []
        if resident.name_key in keys:
            reasons.append("name")
        if numbers & {resident.phone, resident.phone_alt}:
            reasons.append("phone")
        if mail and (resident.email or "").lower() == mail:
            reasons.append("email")
        if address_id is not None and resident.household and resident.household.address_id == address_id:
            reasons.append("door")
        found.append(Likely(resident, reasons))
    found.sort(key=lambda likely: (-len(likely.reasons), likely.resident.id))
    return found[:MAX_SHOWN]


def known_address_id(data: dict) -> int | None:
    """The id of the address the form describes, if it is already known (nothing is created)."""
    street = (data.get("street") or "").strip()
    if not street:
        return None
    number, suffix = split_number(data.get("number"))
    unit = {key: (data.get(key) or "").strip() or None for key in ("building", "staircase", "floor", "door")}
    return db.session.scalar(select(Address.id).where(*address_match_clause(street, number, suffix, **unit)).limit(1))


class Index:
    """Every known resident's folded name, phones and e-mail in memory, to flag the rows of a big import that
    look like someone known (three queries, whatever the size of the file)."""

    def __init__(self):
        self.by_name: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        rows = db.session.execute(
            select(Resident.id, Resident.name_key, Resident.phone, Resident.phone_alt, Resident.email)
        )
        for ident, key, phone, phone_alt, email in rows:
            if key:
                self.by_name.setdefault(key, ident)
            for number in (phone, phone_alt):
                if number:
                    self.by_phone.setdefault(number, ident)
            if email:
                self.by_email.setdefault(email.lower(), ident)

    def match(self, first_name: str | None, last_name: str | None, phone: str | None, email: str | None):
        """(resident id, reason) of a known resident this row looks like, or None."""
        if phone and phone in self.by_phone:
            return self.by_phone[phone], "phone"
        if email and email.lower() in self.by_email:
            return self.by_email[email.lower()], "email"
        if fold(first_name) and fold(last_name):
            for key in _name_keys(first_name, last_name):
                if key in self.by_name:
                    return self.by_name[key], "name"
        return None
