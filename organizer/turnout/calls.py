"""Reminder call lists of an action or a meeting: who is on them, who calls whom, what each call changes.

An "event" is an action or a meeting; the list holds those invited or who said yes or maybe, never a
do-not-contact resident. Leaders bring their own people: each caller gets the residents they are the point
person of, then the rest is shared out so everyone has about as many calls."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.campaigns.models import Action, Attendee, Campaign
from organizer.conversations.models import Commitment
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import aware_utc
from organizer.meetings.models import Meeting, MeetingResident
from organizer.residents.models import Resident
from organizer.turnout import services
from organizer.turnout.models import OUTCOMES, ReminderCall

EVENT_KINDS = ("action", "meeting")
# What each outcome does to the RSVP (None: leaves it as it was).
OUTCOME_RSVP = {"coming": "yes", "maybe": "maybe", "not_coming": "no"}
# Outcomes after which nobody needs to call again.
FINAL_OUTCOMES = {"coming", "not_coming", "wrong_number", "do_not_call"}


@dataclass
class Event:
    """What the list is for: an action or a meeting, as the call pages need it."""

    kind: str
    id: int
    title: str
    starts_at: datetime
    place: str | None
    goal: int | None
    record: object

    @property
    def column(self):
        return ReminderCall.action_id if self.kind == "action" else ReminderCall.meeting_id


def load_event(kind: str, event_id: int) -> Event | None:
    """The action or meeting with this id, or None."""
    if kind == "action":
        action = db.session.scalar(
            select(Action)
            .where(Action.id == event_id)
            .options(selectinload(Action.campaign).selectinload(Campaign.team))
        )
        if action is None:
            return None
        return Event(
            "action", action.id, action.title, aware_utc(action.starts_at), action.place, action.turnout_goal, action
        )
    if kind == "meeting":
        meeting = db.session.get(Meeting, event_id)
        if meeting is None:
            return None
        return Event("meeting", meeting.id, meeting.title, aware_utc(meeting.starts_at), meeting.place, None, meeting)
    return None


def _candidates(event: Event) -> list[Resident]:
    """Residents invited or who said yes/maybe and have not come yet, never do-not-contact, by name."""
    if event.kind == "action":
        rsvp = Attendee.rsvp.is_(None) | Attendee.rsvp.in_(("yes", "maybe"))
        link = select(Attendee.resident_id).where(
            Attendee.action_id == event.id, Attendee.resident_id.is_not(None), rsvp, Attendee.attended.is_(False)
        )
    else:
        link = select(MeetingResident.resident_id).where(
            MeetingResident.meeting_id == event.id, MeetingResident.rsvp.in_(("invited", "yes", "maybe"))
        )
    return list(
        db.session.scalars(
            select(Resident)
            .where(Resident.id.in_(link), Resident.do_not_contact.is_(False))
            .order_by(Resident.sort_key, Resident.id)
        )
    )


def entries(event: Event, caller_id: int | None = None) -> list[ReminderCall]:
    """The list (or one caller's part): not yet called first, then by position; do-not-contact never shown."""
    query = (
        select(ReminderCall)
        .join(Resident, Resident.id == ReminderCall.resident_id)
        .where(event.column == event.id, Resident.do_not_contact.is_(False))
        .options(selectinload(ReminderCall.resident), selectinload(ReminderCall.caller))
        .order_by(ReminderCall.outcome.is_not(None), ReminderCall.position, ReminderCall.id)
    )
    if caller_id is not None:
        query = query.where(ReminderCall.caller_id == caller_id)
    return list(db.session.scalars(query))


def build(event: Event, caller_ids: list[int]) -> dict:
    """Add everyone who should be called, then share the calls still to make among `caller_ids`.

    Each caller first gets the people they are the point person of; the others go, by name, to whoever has
    the fewest calls so far. Calls already made keep their caller."""
    existing = {
        entry.resident_id: entry for entry in db.session.scalars(select(ReminderCall).where(event.column == event.id))
    }
    added = 0
    for resident in _candidates(event):
        if resident.id not in existing:
            entry = ReminderCall(resident_id=resident.id, **{f"{event.kind}_id": event.id})
            entry.resident = resident
            db.session.add(entry)
            existing[resident.id] = entry
            added += 1
    db.session.flush()
    residents = {
        resident.id: resident
        for resident in db.session.scalars(select(Resident).where(Resident.id.in_(list(existing))))
    }
    open_entries = [
        entry
        for entry in existing.values()
        if entry.outcome not in FINAL_OUTCOMES and not residents[entry.resident_id].do_not_contact
    ]
    open_entries.sort(key=lambda entry: (residents[entry.resident_id].sort_key, entry.resident_id))
    load = dict.fromkeys(caller_ids, 0)
    shared, own = [], set()
    for entry in open_entries:
        point = residents[entry.resident_id].point_person_id
        if point in load:
            entry.caller_id = point
            load[point] += 1
            own.add(entry.resident_id)
        else:
            shared.append(entry)
    for entry in shared:
        if not load:
            entry.caller_id = None
            continue
        caller = min(load, key=lambda user_id: (load[user_id], caller_ids.index(user_id)))
        entry.caller_id = caller
        load[caller] += 1
    # Each caller's part: their own people first, then the shared ones, each by name (sorted is stable).
    ordered = sorted(open_entries, key=lambda e: (e.caller_id is None, e.caller_id or 0, e.resident_id not in own))
    for position, entry in enumerate(ordered):
        entry.position = position
    db.session.flush()
    audit.record(f"turnout.build_{event.kind}", event.record, added=added, callers=len(caller_ids))
    return {"added": added, "shared": len(open_entries), "callers": dict(load)}


def new_round(event: Event) -> int:
    """Call again the day before: those who said coming, maybe or did not answer go back on the list, with
    what they said last time; wrong numbers, refusals and do-not-call stay closed. Returns how many reopen."""
    reopened = 0
    for entry in db.session.scalars(
        select(ReminderCall).where(event.column == event.id, ReminderCall.outcome.in_(("coming", "maybe", "no_answer")))
    ):
        entry.previous_outcome, entry.outcome = entry.outcome, None
        entry.round += 1
        reopened += 1
    db.session.flush()
    audit.record(f"turnout.new_round_{event.kind}", event.record, reopened=reopened)
    return reopened


def progress(event: Event) -> dict:
    """Counts by outcome (None: not called yet) and per caller, for the organizer's view."""
    rows = db.session.execute(
        select(ReminderCall.caller_id, ReminderCall.outcome, func.count())
        .join(Resident, Resident.id == ReminderCall.resident_id)
        .where(event.column == event.id, Resident.do_not_contact.is_(False))
        .group_by(ReminderCall.caller_id, ReminderCall.outcome)
    ).all()
    by_outcome: dict = {}
    by_caller: dict = {}
    for caller_id, outcome, count in rows:
        by_outcome[outcome] = by_outcome.get(outcome, 0) + count
        mine = by_caller.setdefault(caller_id, {"total": 0, "done": 0})
        mine["total"] += count
        mine["done"] += count if outcome else 0
    return {"by_outcome": by_outcome, "by_caller": by_caller, "total": sum(by_outcome.values())}


def _set_rsvp(event: Event, resident_id: int, rsvp: str) -> None:
    if event.kind == "action":
        attendee = db.session.scalar(
            select(Attendee).where(Attendee.action_id == event.id, Attendee.resident_id == resident_id)
        )
        if attendee is None:
            attendee = Attendee(action_id=event.id, resident_id=resident_id, consent=True)
            db.session.add(attendee)
        attendee.rsvp = rsvp
    else:
        row = db.session.get(MeetingResident, (event.id, resident_id))
        if row is None:
            row = MeetingResident(meeting_id=event.id, resident_id=resident_id)
            db.session.add(row)
        row.rsvp = rsvp


def _commit_to_come(event: Event, entry: ReminderCall, by) -> None:
    """A promise to come (and to bring people) goes to the commitments list, followed up by the caller."""
    commitment = db.session.get(Commitment, entry.commitment_id) if entry.commitment_id else None
    if commitment is None:
        commitment = Commitment(
            from_resident_id=entry.resident_id,
            source_type=event.kind,
            source_id=event.id,
            owner_id=by.id,
            created_by_id=by.id,
        )
        db.session.add(commitment)
    commitment.what = services.commitment_text(event.title, entry.bringing)[:300]
    commitment.due_on = event.starts_at.date()
    commitment.status = "open"
    db.session.flush()
    entry.commitment_id = commitment.id


def record(event: Event, entry: ReminderCall, outcome: str, *, note: str | None, bringing: int, by) -> None:
    """One call's outcome: the RSVP follows it, a promise becomes a commitment, "do not call" is an objection."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    entry.outcome = outcome
    entry.note = (note or "").strip() or entry.note
    entry.bringing = max(0, bringing) if outcome == "coming" else 0
    entry.attempts += 1
    entry.called_at, entry.called_by_id = utcnow(), by.id
    if outcome in OUTCOME_RSVP:
        _set_rsvp(event, entry.resident_id, OUTCOME_RSVP[outcome])
    if outcome == "coming":
        _commit_to_come(event, entry, by)
    elif entry.commitment_id:
        commitment = db.session.get(Commitment, entry.commitment_id)
        if commitment is not None and outcome in ("not_coming", "do_not_call"):
            commitment.status = "dropped"
    if outcome == "do_not_call":
        services.mark_do_not_contact(db.session.get(Resident, entry.resident_id))
    audit.record("turnout.call", entry, outcome=outcome, event=event.kind, event_id=event.id)
