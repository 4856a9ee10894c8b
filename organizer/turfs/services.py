"""Turfs: assignments and knocks brought back here; cutting (cutting.py), who may see what (access.py),
the doors in walking order (doors.py) are re-exported so every caller says services.<verb>.

Verbs add and flush; the caller (a view or a command) commits.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.auth.models import User
from organizer.conversations.models import DOOR_RESULTS, DoorKnock
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import aware_utc, organization_zone
from organizer.residents.models import Household
from organizer.turfs.access import household_turf, is_canvasser, local_today, visible_turf, visible_turfs
from organizer.turfs.cutting import (
    SIDES,
    CutPreview,
    TurfRule,
    add_to_turf,
    create_turf,
    delete_turf,
    ensure_households,
    find_turf,
    matching_addresses,
    parse_geojson,
    point_in_geometry,
    preview_cut,
    remove_from_turf,
    streets_and_areas,
    update_turf,
)
from organizer.turfs.doors import (
    DEFAULT_KEEP_DAYS,
    RESULT_COLOURS,
    RESULT_SHORT_CODES,
    SHORT_CODE_RESULTS,
    Door,
    TurfMap,
    TurfStats,
    address_details,
    address_line,
    destroy_after,
    last_knocks,
    parse_short_door_id,
    short_door_id,
    turf_doors,
    turf_map,
    turf_stats,
)
from organizer.turfs.errors import OverlapError, TurfError
from organizer.turfs.models import Turf, TurfAssignment

# The feature's verbs are used as services.<name>: those written in access, cutting, doors and errors too.
__all__ = [
    "add_to_turf",
    "address_details",
    "address_line",
    "create_turf",
    "CutPreview",
    "DEFAULT_KEEP_DAYS",
    "delete_turf",
    "destroy_after",
    "Door",
    "ensure_households",
    "find_turf",
    "household_turf",
    "is_canvasser",
    "last_knocks",
    "local_today",
    "matching_addresses",
    "OverlapError",
    "parse_geojson",
    "parse_short_door_id",
    "point_in_geometry",
    "preview_cut",
    "remove_from_turf",
    "RESULT_COLOURS",
    "RESULT_SHORT_CODES",
    "SHORT_CODE_RESULTS",
    "short_door_id",
    "SIDES",
    "streets_and_areas",
    "turf_doors",
    "turf_map",
    "turf_stats",
    "TurfError",
    "TurfMap",
    "TurfRule",
    "TurfStats",
    "update_turf",
    "visible_turf",
    "visible_turfs",
]

SUPPORT_LEVELS = (1, 2, 3, 4, 5)


# ---------------------------------------------------------------- assignments


def assign(turf: Turf, user: User, until: date, assigned_by_id: int | None = None) -> TurfAssignment:
    """Let `user` walk (and see) `turf` until `until` (a later call for the same user moves the date)."""
    if until < local_today():
        raise TurfError(_l("The end date is in the past."))
    if not user.active:
        raise TurfError(_l("This account is deactivated."))
    if user.role not in ("canvasser", "organizer", "leader", "admin"):
        raise TurfError(_l("This person cannot be given a turf."))
    assignment = db.session.scalar(
        select(TurfAssignment).where(TurfAssignment.turf_id == turf.id, TurfAssignment.user_id == user.id)
    )
    if assignment is None:
        assignment = TurfAssignment(turf_id=turf.id, user_id=user.id, until=until, assigned_by_id=assigned_by_id)
        db.session.add(assignment)
    else:
        assignment.until, assignment.assigned_by_id = until, assigned_by_id
    db.session.flush()
    return assignment


def end_assignment(assignment: TurfAssignment) -> None:
    """Withdraw a turf from someone."""
    db.session.delete(assignment)
    db.session.flush()


def assignments_of(turf: Turf, current_only: bool = False) -> list[TurfAssignment]:
    """Who holds `turf` (with their user loaded), latest end date first."""
    query = (
        select(TurfAssignment)
        .where(TurfAssignment.turf_id == turf.id)
        .options(selectinload(TurfAssignment.user))
        .order_by(TurfAssignment.until.desc())
    )
    if current_only:
        query = query.where(TurfAssignment.until >= local_today())
    return list(db.session.scalars(query))


def assignable_users() -> list[User]:
    """Active accounts a turf can be given to."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name)))


# ---------------------------------------------------------------- knocks brought back


def parse_result(raw: str | None) -> str | None:
    """A result code from what was typed: "1".."8", or the code itself; None when empty.

    Raises TurfError on anything else."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    if text in SHORT_CODE_RESULTS:
        return SHORT_CODE_RESULTS[text]
    if text in DOOR_RESULTS:
        return text
    raise TurfError(_l("Unknown result code %(code)s (type 1 to 8).", code=(raw or "").strip()[:10]))


def parse_support(raw) -> int | None:
    """A support level 1-5 or None; TurfError otherwise (and when the deployment switched them off)."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    if not current_app.config.get("SUPPORT_LEVELS_ENABLED", True):
        raise TurfError(_l("Support levels are not recorded here."))
    if text not in {str(level) for level in SUPPORT_LEVELS}:
        raise TurfError(_l("The support level must be 1 to 5."))
    return int(text)


def record_knock(
    household: Household,
    result: str,
    canvasser_id: int | None,
    *,
    resident_id: int | None = None,
    support_level: int | None = None,
    note: str | None = None,
    follow_up: bool = False,
    entered_via: str = "phone",
    knocked_at: datetime | None = None,
) -> DoorKnock:
    """Log a knock at `household`. "do_not_contact" marks who answered (or the whole household when
    nobody is named) so they vanish from future sheets; "talked" with a resident dates their last contact.

    `household.residents` must be loaded."""
    if result not in DOOR_RESULTS:
        raise TurfError(_l("Unknown result code %(code)s (type 1 to 8).", code=str(result)[:10]))
    if support_level is not None and support_level not in SUPPORT_LEVELS:
        raise TurfError(_l("The support level must be 1 to 5."))
    resident = None
    if resident_id is not None:
        resident = next((r for r in household.residents if r.id == resident_id), None)
        if resident is None:
            raise TurfError(_l("This person does not live behind this door."))
    when = knocked_at or utcnow()
    knock = DoorKnock(
        household_id=household.id,
        resident_id=resident.id if resident else None,
        canvasser_id=canvasser_id,
        knocked_at=when,
        result=result,
        support_level=support_level,
        note=(note or "").strip() or None,
        follow_up=bool(follow_up),
        entered_via=entered_via,
    )
    db.session.add(knock)
    if result == "do_not_contact":
        for person in [resident] if resident else household.residents:
            if not person.do_not_contact:
                person.do_not_contact = True
                person.do_not_contact_at = utcnow()
    elif (
        result == "talked"
        and resident is not None
        and (resident.last_contacted_at is None or aware_utc(resident.last_contacted_at) < aware_utc(when))
    ):
        resident.last_contacted_at = when
    db.session.flush()
    return knock


@dataclass
class GridRow:
    """One line of the data entry grid as typed."""

    household_id: int
    result: str = ""
    support: str = ""
    note: str = ""
    follow_up: bool = False
    errors: list[str] = field(default_factory=list)
    parsed_result: str | None = None
    parsed_support: int | None = None


def save_sheet(turf: Turf, rows: list[GridRow], canvasser_id: int | None, knocked_on: date) -> int | None:
    """Record a whole sheet at once: every row is checked first; if any is wrong nothing is written
    (the rows carry their errors and None is returned). Rows with neither result nor support are doors
    not entered. Returns the number of knocks written."""
    doors = {door.household.id: door for door in turf_doors(turf)}
    if knocked_on > local_today():
        raise TurfError(_l("The date of the round cannot be in the future."))
    bad = False
    for row in rows:
        row.errors = []
        if row.household_id not in doors:
            row.errors.append(str(_l("This door is not in the turf.")))
        try:
            row.parsed_result = parse_result(row.result)
        except TurfError as error:
            row.errors.append(str(error))
        try:
            row.parsed_support = parse_support(row.support)
        except TurfError as error:
            row.errors.append(str(error))
        if row.parsed_result is None and (row.parsed_support is not None or row.note.strip() or row.follow_up):
            row.errors.append(str(_l("Give a result code for this door.")))
        if row.parsed_support is not None and row.parsed_result not in (None, "talked"):
            row.errors.append(str(_l("A support level goes with a conversation (code 2).")))
        bad = bad or bool(row.errors)
    if bad:
        return None
    tz = organization_zone()
    # Noon local time: a paper round has a day, not an hour.
    when = datetime(knocked_on.year, knocked_on.month, knocked_on.day, 12, tzinfo=tz).astimezone(UTC)
    written = 0
    for row in rows:
        if row.parsed_result is None:
            continue
        record_knock(
            doors[row.household_id].household,
            row.parsed_result,
            canvasser_id,
            support_level=row.parsed_support,
            note=row.note,
            follow_up=row.follow_up,
            entered_via="sheet",
            knocked_at=when,
        )
        written += 1
    return written


def turf_summary(turf: Turf) -> dict:
    """Name, doors and residents of a turf (what `--json` prints)."""
    doors = turf_doors(turf)
    return {
        "id": turf.id,
        "name": turf.name,
        "addresses": len({door.address.id for door in doors}),
        "doors": len(doors),
        "residents": sum(len(door.residents) for door in doors),
        "do_not_knock": sum(1 for door in doors if door.do_not_knock),
        "rule": turf.rule,
    }
