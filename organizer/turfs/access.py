"""The one rule behind what a canvasser may see: turfs assigned to them, while the assignment lasts.

"While it lasts" is counted in the organization's days (organizer.kernel.time.local_today, re-exported here)."""

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from organizer.extensions import db
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
from organizer.residents.models import Address, Household
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
