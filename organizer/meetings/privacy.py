"""What the meetings hold about a person: the meetings they were invited to (rows go with an erasure)."""

from sqlalchemy import select

from organizer.extensions import db
from organizer.meetings.models import Meeting, MeetingResident


def meetings_section(resident):
    """Meetings the person was invited to, their answer and whether they came."""
    rows = db.session.execute(
        select(Meeting.title, Meeting.starts_at, MeetingResident.rsvp, MeetingResident.attended)
        .join(MeetingResident, MeetingResident.meeting_id == Meeting.id)
        .where(MeetingResident.resident_id == resident.id)
        .order_by(Meeting.starts_at)
    ).all()
    return "meetings", [
        {"meeting": title, "date": starts_at.isoformat(), "rsvp": rsvp, "attended": attended}
        for title, starts_at, rsvp, attended in rows
    ]
