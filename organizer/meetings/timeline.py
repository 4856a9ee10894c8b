"""Meetings on a resident's timeline: the meetings they were invited to, and whether they came."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from organizer.extensions import db
from organizer.kernel.contributions import TimelineEntry
from organizer.kernel.time import aware_utc
from organizer.meetings.models import Meeting, MeetingResident


def meetings_attended(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """One entry per meeting a resident was invited to (organizers and leaders only)."""
    if not resident_ids or not viewer.has_role("organizer", "leader"):
        return []

    rows = db.session.execute(
        select(
            MeetingResident.resident_id,
            MeetingResident.rsvp,
            MeetingResident.attended,
            Meeting.id,
            Meeting.title,
            Meeting.starts_at,
        )
        .join(Meeting, Meeting.id == MeetingResident.meeting_id)
        .where(MeetingResident.resident_id.in_(resident_ids))
    )
    entries = []
    for resident_id, rsvp, attended, meeting_id, title, starts_at in rows:
        detail = (
            _("came")
            if attended
            else {"yes": _("said yes"), "maybe": _("said maybe"), "no": _("said no")}.get(rsvp, _("invited"))
        )
        entries.append(
            (
                resident_id,
                TimelineEntry(
                    at=aware_utc(starts_at),
                    kind="meeting",
                    title=title,
                    detail=detail,
                    url=url_for("meetings.show", meeting_id=meeting_id),
                ),
            )
        )
    return entries
