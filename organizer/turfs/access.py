"""The one rule behind what a canvasser may see: turfs assigned to them, while the assignment lasts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select

from organizer.residents.models import Address, Household
from organizer.turfs.models import TurfAssignment


def local_today() -> date:
    """Today where the organization is (its timezone), not in UTC."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


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
