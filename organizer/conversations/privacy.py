"""What the conversations hold about a person: their part of a subject-access export, and their erasure."""

from sqlalchemy import or_, select, update

from organizer.conversations.models import (
    Assessment,
    Commitment,
    DoorKnock,
    HouseMeeting,
    HouseMeetingAttendee,
    OneOnOne,
    StageChange,
)
from organizer.extensions import db


def erase_door_knocks(resident_ids: list[int]) -> dict[str, int]:
    """Knocks stay (doors knocked, results, issues are counted) but lose the person and the note."""
    result = db.session.execute(
        update(DoorKnock).where(DoorKnock.resident_id.in_(resident_ids)).values(resident_id=None, note=None)
    )
    return {"door_knocks_anonymised": result.rowcount}


def door_knock_section(resident):
    """The door knocks where this person answered."""
    knocks = db.session.scalars(
        select(DoorKnock).where(DoorKnock.resident_id == resident.id).order_by(DoorKnock.knocked_at)
    ).all()
    rows = [
        {"at": k.knocked_at.isoformat(), "result": k.result, "support_level": k.support_level, "note": k.note}
        for k in knocks
    ]
    return "door_knocks", rows


def _iso(value):
    return value.isoformat() if value is not None else None


def erase_hosted_house_meetings(resident_ids: list[int]) -> dict[str, int]:
    """A meeting they hosted stays (who came, issues surfaced) but loses its place (their home) and notes."""
    result = db.session.execute(
        update(HouseMeeting).where(HouseMeeting.host_id.in_(resident_ids)).values(place=None, notes=None)
    )
    # One-on-ones, assessments, attendance, commitments and ladder moves go with the person (ON DELETE CASCADE).
    return {"house_meetings_anonymised": result.rowcount}


def one_on_ones_section(resident):
    """The relational meetings held with the person."""
    rows = db.session.scalars(select(OneOnOne).where(OneOnOne.resident_id == resident.id).order_by(OneOnOne.met_on))
    return "one_on_ones", [
        {
            "date": _iso(o.met_on),
            "place": o.place,
            "story": o.story,
            "needs": o.needs,
            "sources_of_meaning": o.sources_of_meaning,
            "networks": o.networks,
            "ask": o.ask,
            "answer": o.answer,
            "follow_up_on": _iso(o.follow_up_on),
            "assessment": o.assessment,
        }
        for o in rows
    ]


def assessments_section(resident):
    """Dated assessments written about the person."""
    rows = db.session.scalars(
        select(Assessment).where(Assessment.resident_id == resident.id).order_by(Assessment.assessed_at)
    )
    return "assessments", [{"date": _iso(a.assessed_at), "text": a.text, "energy": a.energy} for a in rows]


def house_meetings_section(resident):
    """House meetings the person hosted or attended."""
    attended = select(HouseMeetingAttendee.house_meeting_id).where(HouseMeetingAttendee.resident_id == resident.id)
    rows = db.session.scalars(
        select(HouseMeeting)
        .where(or_(HouseMeeting.host_id == resident.id, HouseMeeting.id.in_(attended)))
        .order_by(HouseMeeting.held_on)
    )
    return "house_meetings", [
        {"date": _iso(m.held_on), "place": m.place, "role": "host" if m.host_id == resident.id else "attendee"}
        for m in rows
    ]


def commitments_section(resident):
    """Promises made by or to the person."""
    rows = db.session.scalars(
        select(Commitment)
        .where(or_(Commitment.from_resident_id == resident.id, Commitment.to_resident_id == resident.id))
        .order_by(Commitment.due_on)
    )
    return "commitments", [{"what": c.what, "due_on": _iso(c.due_on), "status": c.status} for c in rows]


def ladder_section(resident):
    """Moves on the leadership ladder, with their evidence."""
    rows = db.session.scalars(
        select(StageChange).where(StageChange.resident_id == resident.id).order_by(StageChange.changed_at)
    )
    return "leadership_ladder", [
        {"date": _iso(s.changed_at), "from": s.from_stage, "to": s.to_stage, "evidence": s.evidence} for s in rows
    ]
