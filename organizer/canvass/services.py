"""The canvasser's phone: what it may keep offline (their assigned turfs) and the knocks it sends back.

Verbs add, flush and audit; the view ends the unit of work. Knocks are written by the same verb as the door
page and the grid (organizer.turfs.services.record_knock); the issues and the new person use the conversations'
verbs.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from organizer.audit import services as audit
from organizer.auth.models import Role
from organizer.canvass.models import CanvassReceipt
from organizer.conversations import services as conversations
from organizer.conversations.models import DOOR_RESULTS, DoorKnock, door_knock_issues
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import aware_utc, local_today
from organizer.residents.models import CONSENT_BASES, Address, Household, Resident
from organizer.residents.normalize import phone_e164
from organizer.turfs import services as turfs
from organizer.turfs.models import Turf, TurfAssignment

# A batch the phone sends at once; a longer one is refused whole (the phone sends 20 at a time).
MAX_BATCH = 100
# How long "back" may undo a knock already sent.
UNDO_SECONDS = 60
KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{8,64}$")

REASONS = {
    "turf_unassigned": _l("This door is no longer in one of your turfs (the turf was withdrawn or has ended)."),
    "resident_erased": _l("The person who answered is no longer on file (erased or moved)."),
    "do_not_contact": _l("This person asked not to be contacted since the list was loaded."),
    "door_gone": _l("This door is no longer on file."),
    "invalid": _l("This knock is incomplete or malformed."),
    "new_person": _l("The new person needs a first and last name, a consent basis and how consent was given."),
}


class SyncRefused(Exception):
    """One queued knock the server refuses; `reason` is a REASONS key."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Assigned:
    """One of the canvasser's current assignments, with its counts."""

    turf: Turf
    until: object
    since: datetime
    doors: int
    done: int

    @property
    def left(self) -> int:
        return max(self.doors - self.done, 0)


def offline_days() -> int:
    """How many days the phone keeps personal data without a sync (ORGANIZER_OFFLINE_DAYS, default 3)."""
    try:
        return max(1, int(current_app.config.get("OFFLINE_DAYS", 3)))
    except (TypeError, ValueError):
        return 3


def current_assignments(user) -> list[TurfAssignment]:
    """The user's assignments that have not ended (latest end date per turf), turfs loaded, by turf name."""
    rows = db.session.scalars(
        select(TurfAssignment)
        .where(TurfAssignment.user_id == user.id, TurfAssignment.until >= local_today())
        .options(selectinload(TurfAssignment.turf))
        .order_by(TurfAssignment.until.desc())
    )
    latest: dict[int, TurfAssignment] = {}
    for assignment in rows:
        latest.setdefault(assignment.turf_id, assignment)
    return sorted(latest.values(), key=lambda a: a.turf.name)


def _since(assignment: TurfAssignment) -> datetime:
    """From when a knock counts as done for this assignment: the start of the day it was given."""
    start = aware_utc(assignment.created_at)
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def my_turfs(user) -> list[Assigned]:
    """The user's current turfs with doors, doors knocked since the assignment began, and the end date."""
    assignments = current_assignments(user)
    ids = [a.turf_id for a in assignments]
    if not ids:
        return []
    doors = dict(
        db.session.execute(
            select(Address.turf_id, func.count(Household.id))
            .join(Household, Household.address_id == Address.id)
            .where(Address.turf_id.in_(ids))
            .group_by(Address.turf_id)
        ).all()
    )
    result = []
    for assignment in assignments:
        since = _since(assignment)
        done = db.session.scalar(
            select(func.count(func.distinct(DoorKnock.household_id)))
            .join(Household, Household.id == DoorKnock.household_id)
            .join(Address, Address.id == Household.address_id)
            .where(Address.turf_id == assignment.turf_id, DoorKnock.knocked_at >= since)
        )
        result.append(Assigned(assignment.turf, assignment.until, since, doors.get(assignment.turf_id, 0), done or 0))
    return result


def _group(address: Address) -> list[str]:
    """The block-of-flats levels of a door: [building+staircase, floor] (empty parts left out)."""
    upper = " · ".join(
        f"{label} {value}"
        for value, label in ((address.building, _l("bldg.")), (address.staircase, _l("stair")))
        if value
    )
    floor = f"{_l('floor')} {address.floor}" if address.floor else ""
    return [upper, floor]


def turf_payload(user, turf_id: int) -> dict | None:
    """Everything the phone keeps of one assigned turf: doors in walking order (residents' names only,
    never do-not-contact people), last results, the script and the issues list; None when not assigned."""
    assignment = next((a for a in current_assignments(user) if a.turf_id == turf_id), None)
    if assignment is None:
        return None
    turf = assignment.turf
    since = _since(assignment)
    doors = []
    for door in turfs.turf_doors(turf):
        last = door.last_knock
        address = door.address
        doors.append(
            {
                "id": door.household.id,
                "short": door.short_id,
                "address_id": address.id,
                "line": turfs.address_line(address),
                "details": turfs.address_details(address, door.household),
                "group": _group(address),
                "access": address.access_notes or "",
                "residents": [{"id": r.id, "name": r.display_name} for r in door.residents],
                "do_not_knock": door.do_not_knock,
                "last": {"result": last.result, "at": aware_utc(last.knocked_at).isoformat()} if last else None,
                "done": bool(last and aware_utc(last.knocked_at) >= since),
            }
        )
    return {
        "id": turf.id,
        "name": turf.name,
        "script": turf.script or "",
        "until": assignment.until.isoformat(),
        "doors": doors,
        "issues": [{"id": issue.id, "name": issue.name} for issue in conversations.all_issues()],
        "loaded_at": utcnow().isoformat(),
    }


# ---------------------------------------------------------------- the queue sent back


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _int_or_none(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise SyncRefused("invalid")
    return int(value)


def _int_or_none_quiet(value) -> int | None:
    try:
        return _int_or_none(value)
    except SyncRefused:
        return None


def _knocked_at(raw) -> datetime:
    """When it was knocked, as the phone said; never in the future, never older than the offline window."""
    now = utcnow()
    try:
        moment = aware_utc(datetime.fromisoformat(str(raw).replace("Z", "+00:00")))
    except ValueError:
        return now
    if moment > now:
        return now
    return max(moment, now - timedelta(days=offline_days() + 1))


def _new_person(data, household: Household, user, turf_name: str) -> Resident:
    """A person met at this door, added to its household with consent and the source recorded."""
    if not isinstance(data, dict):
        raise SyncRefused("new_person")
    basis = _text(data.get("consent_basis"), 30)
    method = _text(data.get("consent_method"), 200)
    try:
        resident = conversations.add_resident_on_the_spot(
            _text(data.get("first_name"), 100),
            _text(data.get("last_name"), 100),
            basis if basis in CONSENT_BASES else "",
            method,
            str(_l("Door knock, turf %(name)s", name=turf_name))[:200],
            user,
        )
    except conversations.ConversationError as error:
        raise SyncRefused("new_person") from error
    resident.household_id = household.id
    resident.phone = phone_e164(_text(data.get("phone"), 40))
    email = _text(data.get("email"), 254)
    resident.email = email if "@" in email else None
    db.session.flush()
    return resident


def _checked(item: dict, knockable: set[int] | None, households: dict[int, Household]):
    """(household, result, resident or None) of a queued knock the rules still allow; SyncRefused otherwise."""
    household_id = _int_or_none(item.get("household_id"))
    result = item.get("result")
    if household_id is None or result not in DOOR_RESULTS:
        raise SyncRefused("invalid")
    household = households.get(household_id)
    if household is None:
        raise SyncRefused("door_gone")
    # The one access rule: organizers and leaders anywhere, canvassers only in their current turfs.
    if knockable is not None and household_id not in knockable:
        raise SyncRefused("turf_unassigned")
    resident_id = _int_or_none(item.get("resident_id"))
    resident = None
    if resident_id is not None:
        resident = next((r for r in household.residents if r.id == resident_id), None)
        if resident is None:
            raise SyncRefused("resident_erased")
    # Asked not to be contacted since the phone loaded the list: only "do not contact" itself still goes.
    people = [resident] if resident else household.residents
    if people and all(r.do_not_contact for r in people) and result != "do_not_contact":
        raise SyncRefused("do_not_contact")
    return household, result, resident


def _support(item: dict, result: str) -> int | None:
    """The support level when it goes with this knock (a conversation, and the deployment records them)."""
    support = _int_or_none(item.get("support"))
    if support not in turfs.SUPPORT_LEVELS or result != "talked":
        return None
    return support if current_app.config.get("SUPPORT_LEVELS_ENABLED", True) else None


def _tag_issues(knock: DoorKnock, item: dict) -> None:
    """The issues heard: existing ones tapped, new ones typed (created once, whatever their case)."""
    ids = [int(i) for i in item.get("issue_ids") or [] if str(i).isdigit()][:30]
    names = ",".join(_text(name, 120) for name in (item.get("new_issues") or [])[:10] if isinstance(name, str))
    issues = conversations.issues_from(ids, names)
    if issues:
        db.session.execute(insert(door_knock_issues), [{"door_knock_id": knock.id, "issue_id": i.id} for i in issues])


def _save_one(user, item: dict, knockable: set[int] | None, households: dict[int, Household]) -> dict:
    """Record one queued knock (inside the caller's savepoint); refusals raise SyncRefused. `knockable`: the
    doors of a canvasser's current turfs (None: the user may knock anywhere); `households`: the batch's doors,
    residents and addresses loaded."""
    household, result, resident = _checked(item, knockable, households)
    new_person = None
    if item.get("new_person"):
        turf_name = db.session.scalar(select(Turf.name).where(Turf.id == household.address.turf_id)) or ""
        new_person = _new_person(item["new_person"], household, user, turf_name)
    already_dnc = {r.id for r in household.residents if r.do_not_contact}
    when = _knocked_at(item.get("knocked_at"))
    knock = turfs.record_knock(
        household,
        result,
        user.id,
        resident_id=resident.id if resident else None,
        support_level=_support(item, result),
        note=_text(item.get("note"), 2000),
        follow_up=bool(item.get("follow_up")),
        entered_via="phone",
        knocked_at=when,
    )
    if new_person is not None and resident is None and item.get("answered") == "new":
        knock.resident_id = new_person.id
        if result == "talked":
            new_person.last_contacted_at = when
    _tag_issues(knock, item)
    marked = sorted(r.id for r in household.residents if r.do_not_contact and r.id not in already_dnc)
    receipt = CanvassReceipt(
        client_key=item["key"],
        user_id=user.id,
        door_knock_id=knock.id,
        new_resident_id=new_person.id if new_person else None,
        marked_do_not_contact=marked,
    )
    db.session.add(receipt)
    db.session.flush()
    # In the item's savepoint: a knock refused later in its own checks leaves no audit event behind.
    audit.record("door_knock.create", knock, via="phone")
    if new_person is not None:
        audit.record("resident.create", new_person, via="phone")
    return {"status": "saved", "knock_id": knock.id, "new_resident_id": receipt.new_resident_id}


def sync(user, items) -> list[dict]:
    """Record a batch of queued knocks; one answer per item, in order: saved, already saved (a resend of
    the same key), or refused with a reason and a message. Each item is its own savepoint: a refusal never
    undoes the others. Raises ValueError when the batch itself is malformed."""
    if not isinstance(items, list) or len(items) > MAX_BATCH:
        raise ValueError("batch")
    answers = []
    keys = [item.get("key") for item in items if isinstance(item, dict) and isinstance(item.get("key"), str)]
    received = {
        receipt.client_key: receipt
        for receipt in db.session.scalars(select(CanvassReceipt).where(CanvassReceipt.client_key.in_(keys)))
    }
    # The one access rule (conversations.may_knock), asked once for the batch: organizers and leaders knock
    # anywhere, canvassers only at the doors of their current turfs.
    knockable = None
    doors = [_int_or_none_quiet(item.get("household_id")) for item in items if isinstance(item, dict)]
    households = {
        household.id: household
        for household in db.session.scalars(
            select(Household)
            .where(Household.id.in_([d for d in doors if d]))
            .options(selectinload(Household.residents), selectinload(Household.address))
        )
    }
    if not user.has_role(Role.ORGANIZER, Role.LEADER):
        knockable = set(
            db.session.scalars(
                conversations.knockable_household_ids(user).where(Household.id.in_([d for d in doors if d]))
            )
        )
    for item in items:
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            answers.append({"key": key if isinstance(key, str) else None, "status": "refused", "reason": "invalid"})
            continue
        existing = received.get(key)
        if existing is not None:
            answers.append(_duplicate(user, existing, key))
            continue
        savepoint = db.session.begin_nested()
        try:
            answer = _save_one(user, item, knockable, households)
            savepoint.commit()
        except SyncRefused as refusal:
            savepoint.rollback()
            answer = {"status": "refused", "reason": refusal.reason}
        except IntegrityError:
            # The same key arrived at the same moment through another request, which saved it first.
            savepoint.rollback()
            existing = db.session.scalar(select(CanvassReceipt).where(CanvassReceipt.client_key == key))
            answer = _duplicate(user, existing, key) if existing else {"status": "retry"}
        except StaleDataError:
            # Someone changed a resident of this door at that instant: nothing saved, the phone sends it again.
            savepoint.rollback()
            answer = {"status": "retry"}
        answer["key"] = key
        if answer["status"] == "refused":
            answer["message"] = str(REASONS[answer["reason"]])
        answers.append(answer)
    return answers


def _duplicate(user, receipt: CanvassReceipt, key: str) -> dict:
    if receipt.user_id != user.id:
        return {"key": key, "status": "refused", "reason": "invalid", "message": str(REASONS["invalid"])}
    return {"key": key, "status": "duplicate", "knock_id": receipt.door_knock_id}


def undo(user, keys) -> list[str]:
    """Take back knocks this user sent under `keys` less than a minute ago (with the person added and the
    do-not-contact marks they made); returns the keys undone. Older or others' knocks stay."""
    if not isinstance(keys, list):
        raise ValueError("keys")
    keys = [key for key in keys[:MAX_BATCH] if isinstance(key, str)]
    cutoff = utcnow() - timedelta(seconds=UNDO_SECONDS)
    receipts = db.session.scalars(
        select(CanvassReceipt).where(CanvassReceipt.client_key.in_(keys), CanvassReceipt.user_id == user.id)
    ).all()
    undone = []
    for receipt in receipts:
        if aware_utc(receipt.received_at) < cutoff or receipt.door_knock_id is None:
            continue
        if receipt.marked_do_not_contact:
            for resident in db.session.scalars(select(Resident).where(Resident.id.in_(receipt.marked_do_not_contact))):
                resident.do_not_contact = False
                resident.do_not_contact_at = None
        db.session.execute(delete(DoorKnock).where(DoorKnock.id == receipt.door_knock_id))
        if receipt.new_resident_id:
            db.session.execute(delete(Resident).where(Resident.id == receipt.new_resident_id))
        # The key stays used (a late resend must not bring the knock back).
        receipt.door_knock_id = receipt.new_resident_id = None
        receipt.marked_do_not_contact = []
        undone.append(receipt.client_key)
        audit.record("door_knock.undo", None, key=receipt.client_key)
    db.session.flush()
    return undone
