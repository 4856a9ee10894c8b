"""The one rule behind what a canvasser may see: turfs assigned to them, while the assignment lasts.

"While it lasts" is counted in the organization's days (organizer.kernel.time.local_today, re-exported here)."""

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from organizer.auth import records
from organizer.kernel.time import local_today

__all__ = [
    "assigned_household_ids",
    "assigned_turf_ids",
    "household_turf",
    "is_canvasser",
    "local_today",
    "visible_turf",
    "visible_turfs",
]
from organizer.residents.models import Address, Household, Resident
from organizer.turfs.models import Turf, TurfAssignment


def assigned_turf_ids(user, today: date | None = None) -> Select:
    """A select of the ids of the turfs assigned to `user` until `today` (default: local today) or later."""
    return select(TurfAssignment.turf_id).where(
        TurfAssignment.user_id == user.id, TurfAssignment.until >= (today or local_today())
    )


def assigned_household_ids(user, today: date | None = None) -> Select:
    """A select of the ids of the households (doors) in those turfs."""
    return (
        select(Household.id)
        .join(Address, Household.address_id == Address.id)
        .where(Address.turf_id.in_(assigned_turf_ids(user, today)))
    )


# ---------------------------------------------------------------- who may see which turf


def is_canvasser(user) -> bool:
    """Canvassers see only their own turfs; every other role sees them all."""
    return getattr(user, "role", None) == "canvasser"


def visible_turfs(user):
    """SELECT of the turfs `user` may see (organizer.auth.records), by name."""
    return records.visible(Turf, user).order_by(Turf.name)


def visible_turf(user, turf_id: int) -> Turf | None:
    """The turf if `user` may see it, else None (the caller answers 404)."""
    return records.find(Turf, turf_id, user=user)


def household_turf(user, household_id: int) -> tuple[Household, Turf | None] | None:
    """The household and its turf if `user` may open that door, else None.

    Canvassers only reach doors of their current turfs; others reach every door."""
    household = records.find(
        Household, household_id, selectinload(Household.address), selectinload(Household.residents), user=user
    )
    if household is None:
        return None
    turf = visible_turf(user, household.address.turf_id) if household.address.turf_id is not None else None
    return household, turf


# ---------------------------------------------------------------- the record-level rule (organizer.auth.records)


def sees_every_turf(user) -> bool:
    """Organizers, leaders and admins see every turf, door and resident; canvassers those of their turfs."""
    return user.has_role("organizer", "leader")


def _turfs(user):
    return None if sees_every_turf(user) else Turf.id.in_(assigned_turf_ids(user))


def _addresses(user):
    return None if sees_every_turf(user) else Address.turf_id.in_(assigned_turf_ids(user))


def _households(user):
    return None if sees_every_turf(user) else Household.id.in_(assigned_household_ids(user))


def _residents(user):
    return None if sees_every_turf(user) else Resident.household_id.in_(assigned_household_ids(user))


RECORD_SCOPES = {Turf: _turfs, Address: _addresses, Household: _households, Resident: _residents}
