"""Meetings in the personal iCalendar feed (next to the campaigns' actions)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select

from organizer.campaigns.calendar import calendar_uid
from organizer.extensions import db
from organizer.kernel.contributions import CalendarEntry
from organizer.kernel.time import aware_utc
from organizer.meetings.models import Meeting
from organizer.meetings.services import involves


def meetings(user, since: datetime) -> Iterable[CalendarEntry]:
    """Every meeting for organizers and leaders; the ones they attend or hold a role in for others."""
    query = select(Meeting).where(Meeting.starts_at >= since).order_by(Meeting.starts_at)
    if not user.has_role("organizer", "leader"):
        query = query.where(involves(user))
    return [
        CalendarEntry(
            uid=calendar_uid("meeting", meeting.id),
            summary=meeting.title,
            starts_at=aware_utc(meeting.starts_at),
            ends_at=aware_utc(meeting.starts_at) + timedelta(minutes=meeting.duration_minutes or 90),
            location=meeting.place,
            description=meeting.purpose,
            url=url_for("meetings.show", meeting_id=meeting.id, _external=True),
            updated_at=aware_utc(meeting.updated_at) if getattr(meeting, "updated_at", None) else None,
            sequence=getattr(meeting, "version", 1) or 0,
        )
        for meeting in db.session.scalars(query)
    ]
